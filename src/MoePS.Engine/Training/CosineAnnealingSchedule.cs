namespace MoePS.Engine.Training;

/// <summary>
/// torch.optim.lr_scheduler.CosineAnnealingLR stepped once per epoch, in closed form:
/// lr(e) = η_min + (base − η_min)(1 + cos(π e / T_max)) / 2, where e is the number of epochs already done.
/// </summary>
public sealed record CosineAnnealingSchedule(int TMax, double MinimumRate = 0)
{
    public double RateAt(double baseRate, int epochsDone) =>
        MinimumRate + (baseRate - MinimumRate) * (1 + Math.Cos(Math.PI * epochsDone / TMax)) / 2;
}
