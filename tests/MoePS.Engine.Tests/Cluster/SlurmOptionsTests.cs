using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class SlurmOptionsTests
{
    static readonly SlurmJobFolder Folder = SlurmJobFolder.For("/shared/results/table3.jsonl");

    [Fact]
    public void AskedForAnArrayWithAConcurrencyLimitPartitionTimeAndGpus()
    {
        var options = new SlurmOptions
        {
            Partition = "gpu", Account = "mat", TimeLimit = TimeSpan.FromHours(2), GpusPerTask = 1, MaxConcurrent = 20,
        }.ToSbatchOptions("moeps-table3", 240, Folder);
        Assert.Equal(new[]
        {
            "--job-name=moeps-table3", "--array=0-239%20", "--output=/shared/results/table3.jsonl.slurm/logs/%A_%a.log",
            "--open-mode=append", "--chdir=/shared/results/table3.jsonl.slurm", "--partition=gpu", "--account=mat",
            "--time=0-02:00:00", "--gpus-per-task=1", "--no-requeue",
        }, options);
    }

    [Fact]
    public void CheckpointingWorkIsRequeueableAndSignalledBeforeItsTimeLimit()
    {
        var options = new SlurmOptions { CheckpointSignalLead = TimeSpan.FromMinutes(2) }.ToSbatchOptions("pretrain", 1, Folder);
        Assert.Contains("--array=0-0", options);
        Assert.Contains("--requeue", options);
        Assert.Contains("--signal=B:USR1@120", options);
        Assert.DoesNotContain("--no-requeue", options);
    }

    [Theory]
    [InlineData(0, 0, 30, "0-00:30:00")]
    [InlineData(1, 12, 0, "1-12:00:00")]
    [InlineData(0, 2, 0, "0-02:00:00")]
    public void FormatsTimeLimitsAsSlurmDoes(int days, int hours, int minutes, string expected) =>
        Assert.Equal(expected, SlurmOptions.FormatTime(new TimeSpan(days, hours, minutes, 0)));

    [Fact]
    public void RefusesANonPositiveTimeLimit() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SlurmOptions.FormatTime(TimeSpan.Zero));
}
