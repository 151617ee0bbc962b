using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class SlurmQueueEntryTests
{
    [Fact]
    public void ReadsOneLinePerArrayTaskAndIgnoresOtherJobs()
    {
        const string output = "12_0|RUNNING|None\n12_1|COMPLETED|None\n120_3|RUNNING|None\n12_2|PENDING|Resources\n";
        var entries = SlurmQueueEntry.Parse(output, "12");
        Assert.Equal(new int?[] { 0, 1, 2 }, entries.Select(e => e.ArrayTask));
        Assert.Equal(new[] { SlurmTaskState.Running, SlurmTaskState.Completed, SlurmTaskState.Pending }, entries.Select(e => e.TaskState));
        Assert.Equal("Resources", entries[2].Reason);
        Assert.True(entries[0].IsActive);
        Assert.False(entries[1].IsActive);
    }

    [Fact]
    public void ExpandsARangeOfTasksNotYetStarted()
    {
        var entries = SlurmQueueEntry.Parse("7_[4-6%2]|PENDING|JobArrayTaskLimit\n7_[1,9]|PENDING|Priority\n", "7");
        Assert.Equal(new int?[] { 4, 5, 6, 1, 9 }, entries.Select(e => e.ArrayTask));
        Assert.All(entries, e => Assert.Equal(SlurmTaskState.Pending, e.TaskState));
    }

    [Fact]
    public void AJobThatIsNotAnArrayHasNoIndex()
    {
        var entry = Assert.Single(SlurmQueueEntry.Parse("31|REQUEUED|BeginTime\n", "31"));
        Assert.Null(entry.ArrayTask);
        Assert.Equal(SlurmTaskState.Pending, entry.TaskState);
    }

    [Theory]
    [InlineData("TIMEOUT", SlurmTaskState.Failed)]
    [InlineData("NODE_FAIL", SlurmTaskState.Failed)]
    [InlineData("OUT_OF_MEMORY", SlurmTaskState.Failed)]
    [InlineData("CANCELLED", SlurmTaskState.Cancelled)]
    [InlineData("COMPLETING", SlurmTaskState.Running)]
    [InlineData("SUSPENDED", SlurmTaskState.Suspended)]
    public void MapsSlurmStates(string state, SlurmTaskState expected) =>
        Assert.Equal(expected, new SlurmQueueEntry(0, state, "None").TaskState);

    [Fact]
    public void ALineItCannotReadIsAnErrorQuotingIt()
    {
        var e = Assert.Throws<SlurmException>(() => SlurmQueueEntry.Parse("12_x|RUNNING|None", "12"));
        Assert.Contains("'12_x|RUNNING|None'", e.Message, StringComparison.Ordinal);
    }
}
