using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class SlurmTaskStatusTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-status-").FullName;
    readonly SlurmJobFolder folder;
    readonly SlurmJobRecord record;

    public SlurmTaskStatusTests()
    {
        folder = SlurmJobFolder.For(Path.Combine(root, "r.jsonl"));
        folder.Create();
        record = new SlurmJobRecord { JobId = "5", Tasks = new[] { "a", "b", "c", "d", "e", "f" } };
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    void Exit(int task, int code) => File.WriteAllText(folder.ExitStatusPath("5", task), code + "\n");

    [Fact]
    public void CombinesTheQueueWithTheExitStatusesTheScriptWrote()
    {
        Exit(2, 0);
        Exit(3, 1);
        File.WriteAllText(folder.LogPath("5", 3), "started\nMoePS error: Device 'cuda:7' is not available here.\n\n");
        Exit(4, SlurmBatchScript.TerminatedExitCode);
        var queue = new[]
        {
            new SlurmQueueEntry(0, "PENDING", "JobArrayTaskLimit"),
            new SlurmQueueEntry(1, "RUNNING", "None"),
            new SlurmQueueEntry(2, "COMPLETED", "None"),
            // 3 and 4: purged from the queue; 5: gone without an exit status.
        };
        var statuses = SlurmTaskStatus.Read(record, folder, queue);

        Assert.Equal(new[]
        {
            SlurmTaskState.Pending, SlurmTaskState.Running, SlurmTaskState.Completed,
            SlurmTaskState.Failed, SlurmTaskState.Cancelled, SlurmTaskState.Cancelled,
        }, statuses.Select(s => s.State));
        Assert.Equal("JobArrayTaskLimit", statuses[0].Detail);
        Assert.Equal("", statuses[1].Detail);
        Assert.Equal(1, statuses[3].ExitCode);
        Assert.Equal("exit status 1: started\nMoePS error: Device 'cuda:7' is not available here.", statuses[3].Detail.ReplaceLineEndings("\n"));
        Assert.Contains("no exit status", statuses[5].Detail, StringComparison.Ordinal);
        Assert.Equal(new[] { false, false, true, true, true, true }, statuses.Select(s => s.IsFinished));
    }

    [Fact]
    public void TheQueueWinsWhileATaskIsActiveAgainAfterARequeue()
    {
        Exit(0, SlurmBatchScript.TerminatedExitCode);
        var status = SlurmTaskStatus.Read(record, folder, new[] { new SlurmQueueEntry(0, "PENDING", "BeginTime") })[0];
        Assert.Equal(SlurmTaskState.Pending, status.State);
    }

    [Fact]
    public void SlurmEndingATaskItselfIsAFailureWithItsReason()
    {
        var status = SlurmTaskStatus.Read(record, folder, new[] { new SlurmQueueEntry(0, "TIMEOUT", "TimeLimit") })[0];
        Assert.Equal(SlurmTaskState.Failed, status.State);
        Assert.StartsWith("Slurm reports TIMEOUT (TimeLimit)", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelledInTheQueueIsCancelledWhateverTheWorkAnswered()
    {
        Exit(0, 0);
        var status = SlurmTaskStatus.Read(record, folder, new[] { new SlurmQueueEntry(0, "CANCELLED", "None") })[0];
        Assert.Equal(SlurmTaskState.Cancelled, status.State);
    }
}
