using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class CosineAnnealingScheduleTests
{
    [Fact]
    public void FollowsTheCosineFromBaseToMinimumOverTMax()
    {
        var s = new CosineAnnealingSchedule(TMax: 1000);
        Assert.Equal(1e-2, s.RateAt(1e-2, 0), 15);
        Assert.Equal(5e-3, s.RateAt(1e-2, 500), 15);
        Assert.Equal(0, s.RateAt(1e-2, 1000), 15);
        Assert.Equal(1e-2 * (1 + Math.Cos(Math.PI / 4)) / 2, s.RateAt(1e-2, 250), 15);
    }

    [Fact]
    public void MatchesTorchsRecursiveStepWithAMinimum()
    {
        // torch's CosineAnnealingLR.get_lr() recursion, stepped once per epoch.
        const int tMax = 40;
        const double baseRate = 0.1, minimum = 0.01;
        var s = new CosineAnnealingSchedule(tMax, minimum);
        double lr = baseRate;
        for (int e = 1; e <= tMax; e++)
        {
            lr = (1 + Math.Cos(Math.PI * e / tMax)) / (1 + Math.Cos(Math.PI * (e - 1) / tMax)) * (lr - minimum) + minimum;
            Assert.Equal(lr, s.RateAt(baseRate, e), 12);
        }
    }

    [Fact]
    public void ThePaperCodesStlScheduleFollowsTheClosedForm()
    {
        // main_singletask.py: CosineAnnealingLR(T_max=1000, eta_min=1e-5) from SGD's 0.02.
        var s = new CosineAnnealingSchedule(1000, 1e-5);
        Assert.Equal(0.02, s.RateAt(0.02, 0), 15);
        Assert.Equal((0.02 + 1e-5) / 2, s.RateAt(0.02, 500), 15);
        Assert.Equal(1e-5, s.RateAt(0.02, 1000), 15);
        for (int e = 0; e <= 1000; e += 37)
            Assert.Equal(1e-5 + (0.02 - 1e-5) * (1 + Math.Cos(Math.PI * e / 1000)) / 2, s.RateAt(0.02, e), 15);
    }

    [Fact]
    public void ScalesEachGroupsOwnBaseRate()
    {
        var s = new CosineAnnealingSchedule(100);
        for (int e = 0; e <= 100; e += 7)
            Assert.Equal(s.RateAt(1e-2, e) / 2, s.RateAt(5e-3, e), 15);
    }
}
