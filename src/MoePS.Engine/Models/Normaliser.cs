namespace MoePS.Engine.Models;

/// <summary>Label normaliser as in CGCNN: the network predicts (y − mean)/std; prediction = raw·std + mean.</summary>
public sealed record Normaliser(double Mean, double Std)
{
    public static Normaliser Identity { get; } = new(0.0, 1.0);

    /// <summary>Mean and unbiased standard deviation (as torch.std) of the targets; std 1 when it would be 0 or undefined.</summary>
    public static Normaliser FromTargets(IReadOnlyCollection<double> targets)
    {
        if (targets.Count == 0) throw new ArgumentException("Cannot fit a normaliser to an empty set of targets.");
        double mean = targets.Average();
        double std = targets.Count > 1 ? Math.Sqrt(targets.Sum(t => (t - mean) * (t - mean)) / (targets.Count - 1)) : 0.0;
        return new Normaliser(mean, std > 0 && double.IsFinite(std) ? std : 1.0);
    }

    public double Normalise(double value) => (value - Mean) / Std;

    public double Denormalise(double raw) => raw * Std + Mean;
}
