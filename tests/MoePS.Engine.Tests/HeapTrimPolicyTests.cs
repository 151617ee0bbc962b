using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests;

public class HeapTrimPolicyTests
{
    const long MB = 1 << 20;

    [Fact]
    public void TheOrdinarySwingBetweenEpochsNeverTrims()
    {
        var policy = new HeapTrimPolicy();
        // The level after the first epoch is low; the working set is the highest of the settling epochs.
        long[] epochs = { 900, 1150, 1100, 1180, 1000, 1240, 1150, 1250, 1190 };
        Assert.All(epochs, resident => Assert.False(policy.AfterEpoch(resident * MB)));
    }

    [Fact]
    public void GrowthBeyondATenthOfTheWorkingSetTrimsAndTheWorkingSetIsMeasuredAgain()
    {
        var policy = new HeapTrimPolicy();
        foreach (long resident in new long[] { 1000, 1000, 1000, 1000, 1080 }) Assert.False(policy.AfterEpoch(resident * MB));
        Assert.True(policy.AfterEpoch(1189 * MB), "more than 10 % above the working set (1000 MB) once it stopped growing");
        // After the trim the next epochs fault their working set back in and set it anew.
        foreach (long resident in new long[] { 700, 1300, 1200, 1250 }) Assert.False(policy.AfterEpoch(resident * MB));
        Assert.False(policy.AfterEpoch(1430 * MB));
        Assert.True(policy.AfterEpoch(1431 * MB));
    }

    [Fact]
    public void AHeapStillGrowingBackAfterATrimKeepsSettlingUpToItsLimit()
    {
        var policy = new HeapTrimPolicy();
        // Epochs 1-3 half grown, then growth of 15 % a step: settling goes on, no trim, until the eighth epoch.
        long[] growing = { 500, 600, 700, 805, 926, 1065, 1225, 1409 };
        Assert.All(growing, resident => Assert.False(policy.AfterEpoch(resident * MB)));
        Assert.False(policy.AfterEpoch(1549 * MB));
        Assert.True(policy.AfterEpoch(1550 * MB), "past the settling limit, more than 10 % above the working set trims");
    }
}
