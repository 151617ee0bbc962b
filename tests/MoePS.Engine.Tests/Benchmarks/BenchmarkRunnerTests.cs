using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Training;
using Xunit;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>The runner's bookkeeping — skip what is done, store each result at once, isolate failures — with a stand-in executor.</summary>
public sealed class BenchmarkRunnerTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-runner-").FullName;
    readonly ResultStore store;

    public BenchmarkRunnerTests() => store = new ResultStore(Path.Combine(folder, "runs.jsonl"));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly BenchmarkHyperparameters Settings = new() { Epochs = 5, Patience = 5 };

    static ExperimentPlan Plan(BenchmarkHyperparameters? settings = null) => new()
    {
        Tasks = new[] { "task_a", "task_b" },
        Methods = new[] { new PlannedMethod(LearningMethod.STL, settings ?? Settings) },
        Seeds = new[] { 0, 1 },
    };

    /// <summary>
    /// TEST DOUBLE: answers each run with a made-up result (its seed as the MAE) instead of training;
    /// fails the runs listed in <see cref="Failing"/> and cancels the benchmark at <see cref="CancelAt"/>.
    /// </summary>
    sealed class StandInExecutor : IBenchmarkExecutor
    {
        public List<BenchmarkRunKey> Executed { get; } = new();
        public HashSet<(string Task, int Seed)> Failing { get; } = new();
        public (string Task, int Seed)? CancelAt { get; init; }
        public CancellationTokenSource Cancellation { get; } = new();

        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            Executed.Add(run.Key);
            if (CancelAt == (run.Task, run.Seed))
            {
                Cancellation.Cancel();
                cancellation.ThrowIfCancellationRequested();
            }
            if (Failing.Contains((run.Task, run.Seed))) throw new InvalidDataException($"{run.Task} is broken");
            return BenchmarkFixtures.ResultOf(run);
        }
    }

    [Fact]
    public void RunsOnlyWhatTheResultFileLacksAndStoresEachResult()
    {
        var plan = Plan();
        var all = plan.Runs().ToList();
        var first = new StandInExecutor();
        var done = new BenchmarkRunner(store, first).Run(all.Take(2)).ToList();
        Assert.All(done, o => Assert.True(o.Succeeded));

        var second = new StandInExecutor();
        var runner = new BenchmarkRunner(store, second);
        var schedule = runner.Schedule(all);
        Assert.Equal(all.Take(2).Select(r => r.Key), schedule.Finished.Select(r => r.Key));
        Assert.Equal(all.Skip(2).Select(r => r.Key), schedule.Pending.Select(r => r.Key));

        var outcomes = runner.Run(all).ToList();
        Assert.Equal(all.Skip(2).Select(r => r.Key), second.Executed);
        // Every run of the plan comes out, in plan order; those of the earlier benchmark from the file.
        Assert.Equal(all.Select(r => r.Key), outcomes.Select(o => o.Result!.GetKey()));
        Assert.Equal(new[] { true, true, false, false }, outcomes.Select(o => o.Result!.FromResultFile));
        Assert.Equal(new[] { BenchmarkRunStatus.InResultFile, BenchmarkRunStatus.InResultFile, BenchmarkRunStatus.Finished, BenchmarkRunStatus.Finished },
            outcomes.Select(o => o.Status));
        Assert.Equal(2.0, outcomes[1].Result!.TestMAE);
        var keys = store.ReadAll().Select(r => r.GetKey()).ToList();
        Assert.Equal(all.Select(r => r.Key), keys);
        Assert.All(runner.Run(all), o => Assert.Equal(BenchmarkRunStatus.InResultFile, o.Status));
        Assert.Equal(2, second.Executed.Count);
        Assert.False(Directory.Exists(store.Claims.Folder));
    }

    [Fact]
    public void ChangedSettingsAreNewRunsButARepeatedRunIsDoneOnce()
    {
        var executor = new StandInExecutor();
        var runner = new BenchmarkRunner(store, executor);
        _ = runner.Run(Plan().Runs()).ToList();
        var longer = Plan(Settings with { Epochs = 6 }).Runs().ToList();
        Assert.Equal(4, runner.Schedule(longer).Pending.Count);

        var repeated = longer.Concat(longer).ToList();
        Assert.Equal(4, runner.Schedule(repeated).Pending.Count);
    }

    [Fact]
    public void AFailedRunIsReportedByNameAndTheOthersGoOn()
    {
        var executor = new StandInExecutor { Failing = { ("task_a", 1) } };
        var outcomes = new BenchmarkRunner(store, executor).Run(Plan().Runs()).ToList();

        Assert.Equal(4, outcomes.Count);
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal(("task_a", 1), (failed.Run.Task, failed.Run.Seed));
        Assert.Equal("Benchmark run task_a / STL / seed 1 failed: task_a is broken", failed.Error!.Message);
        Assert.IsType<InvalidDataException>(failed.Error.InnerException);
        Assert.Equal(3, store.ReadAll().Count);

        // The failed run is still to do on the next attempt.
        var retry = new StandInExecutor();
        var again = new BenchmarkRunner(store, retry).Run(Plan().Runs()).ToList();
        Assert.Equal(failed.Run.Key, Assert.Single(retry.Executed));
        Assert.Equal(failed.Run.Key, Assert.Single(again, o => o.Status == BenchmarkRunStatus.Finished).Run.Key);
        Assert.Equal(4, again.Count(o => o.Succeeded));
    }

    [Fact]
    public void CancellationEndsTheBenchmarkWithoutAResultForTheRunInProgress()
    {
        var executor = new StandInExecutor { CancelAt = ("task_a", 1) };
        var runner = new BenchmarkRunner(store, executor);
        var seen = new List<BenchmarkRunOutcome>();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var o in runner.Run(Plan().Runs(), cancellation: executor.Cancellation.Token)) seen.Add(o);
        });
        Assert.Single(seen);
        Assert.Equal(2, executor.Executed.Count);
        Assert.Single(store.ReadAll());
    }

    [Fact]
    public void TheHostChecksEachRunBeforeItStartsAndHearsWhichStarts()
    {
        var executor = new StandInExecutor();
        var runner = new BenchmarkRunner(store, executor);
        var asked = new List<BenchmarkRunKey>();
        var started = new List<(string Task, int Seed, int Index, int Count, int Percent)>();
        var hooks = new BenchmarkHooks
        {
            MayRun = run => { asked.Add(run.Key); return run.Seed == 0; },
            Starting = step => started.Add((step.Run.Task, step.Run.Seed, step.Index, step.Count, step.PercentComplete)),
        };
        var all = Plan().Runs().ToList();
        var outcomes = runner.Run(all, hooks).ToList();

        Assert.Equal(all.Select(r => r.Key), asked);
        Assert.Equal(new[] { ("task_a", 0, 0, 4, 0), ("task_b", 0, 2, 4, 50) }, started);
        Assert.Equal(new[] { BenchmarkRunStatus.Finished, BenchmarkRunStatus.Declined, BenchmarkRunStatus.Finished, BenchmarkRunStatus.Declined },
            outcomes.Select(o => o.Status));
        Assert.All(executor.Executed, k => Assert.Equal(0, k.Seed));
        Assert.Equal(2, store.ReadAll().Count);
        // Declined runs are still to do.
        Assert.Equal(2, runner.Schedule(all).Pending.Count);
    }

    [Fact]
    public void WhatARunThrowsAfterCancellationEndsTheBenchmarkInsteadOfFailingTheRun()
    {
        var executor = new HostStoppedExecutor();
        var runner = new BenchmarkRunner(store, executor);
        var e = Assert.ThrowsAny<OperationCanceledException>(() => runner.Run(Plan().Runs(), cancellation: executor.Cancellation.Token).ToList());
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.False(File.Exists(store.Path));
    }

    /// <summary>TEST DOUBLE: the host stops the benchmark and its output refuses more, as PowerShell's does after Ctrl+C.</summary>
    sealed class HostStoppedExecutor : IBenchmarkExecutor
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            Cancellation.Cancel();
            throw new InvalidOperationException("The pipeline has been stopped.");
        }
    }

    [Fact]
    public void AResultForAnotherRunIsAFailure()
    {
        var wrong = new WrongKeyExecutor();
        var outcome = Assert.Single(new BenchmarkRunner(store, wrong).Run(Plan().Runs().Take(1)));
        Assert.Equal(BenchmarkRunStatus.Failed, outcome.Status);
        Assert.False(outcome.Succeeded);
        Assert.Contains("produced a result for", outcome.Error!.Message);
        Assert.False(File.Exists(store.Path));
    }

    sealed class WrongKeyExecutor : IBenchmarkExecutor
    {
        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation) =>
            new() { Task = run.Task, Method = run.Method, Seed = run.Seed + 1, ConfigHash = run.ConfigHash };
    }
}
