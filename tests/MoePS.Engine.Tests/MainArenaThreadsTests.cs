using MoePS.Engine.Cluster;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests;

public class MainArenaThreadsTests
{
    [Fact]
    public void TheProbeTellsTheMainArenaFromOthers()
    {
        // Threads alive at once beyond glibc's arena limit (8 per core) must share arenas, and all but one are not the main one.
        var answers = new bool?[64];
        using var release = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, answers.Length).Select(i => new Thread(() =>
        {
            answers[i] = NativeMemory.CurrentThreadUsesMainArena();
            release.Wait();
        })).ToList();
        threads.ForEach(t => t.Start());
        while (answers.Any(a => a is null) && threads.Any(t => t.IsAlive)) Thread.Sleep(1);
        release.Set();
        threads.ForEach(t => t.Join());

        Assert.All(answers, a => Assert.NotNull(a)); // glibc here
        Assert.Contains(false, answers);
    }

    [Fact]
    public void WorkRunsOnTheMainArena()
    {
        Assert.True(MainArenaThreads.Run(NativeMemory.CurrentThreadUsesMainArena));
        Assert.True(MainArenaThreads.AllOnMainArena);
    }

    [Fact]
    public async Task ConcurrentWorkGetsAWorkerEachAllOnTheMainArena()
    {
        using var together = new Barrier(4);
        var tasks = Enumerable.Range(0, 4).Select(_ => MainArenaThreads.Start(() =>
        {
            Assert.True(together.SignalAndWait(TimeSpan.FromMinutes(1)), "the four pieces of work did not run at the same time");
            return (Environment.CurrentManagedThreadId, NativeMemory.CurrentThreadUsesMainArena());
        })).ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(4, results.Select(r => r.Item1).Distinct().Count());
        Assert.All(results, r => Assert.True(r.Item2));
    }

    [Fact]
    public void TheWorksExceptionComesBackAsItWas()
    {
        var e = Assert.Throws<OperationCanceledException>(() => MainArenaThreads.Run<int>(() => throw new OperationCanceledException("stopped")));
        Assert.Equal("stopped", e.Message);
        Assert.True(MainArenaThreads.Run(NativeMemory.CurrentThreadUsesMainArena)); // the worker survives a failed piece of work
    }

    [Fact]
    public void TrainingCmdletsWorkOnTheMainArena()
    {
        using var pump = new ProgressPump<int>();
        Assert.True(pump.Run((_, _) => NativeMemory.CurrentThreadUsesMainArena(), _ => { }));
    }

    [Fact]
    public void SlurmArrayTasksWorkOnTheMainArena()
    {
        string? before = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "3");
        try
        {
            Assert.Equal(3, SlurmArrayTask.Run((index, _) => NativeMemory.CurrentThreadUsesMainArena() == true ? index : -1));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", before);
        }
    }
}
