using System.Collections.Concurrent;
using System.Text.Json;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Training;
using Xunit;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>Several writers on one result file: each run done once, whole lines only, stale claims taken over.</summary>
public sealed class SharedResultFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-shared-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string ResultPath => Path.Combine(folder, "runs.jsonl");

    /// <summary>3 tasks × STL × 3 seeds: the 9 runs of the report of duplicated work.</summary>
    static List<PlannedRun> NineRuns() => new ExperimentPlan
    {
        Tasks = new[] { "task_a", "task_b", "task_c" },
        Methods = new[] { new PlannedMethod(LearningMethod.STL, new BenchmarkHyperparameters { Epochs = 5 }) },
        Seeds = new[] { 0, 1, 2 },
    }.Runs().ToList();

    /// <summary>TEST DOUBLE: takes a while per run, as training does, and records every run any writer executes.</summary>
    sealed class SlowExecutor(ConcurrentBag<BenchmarkRunKey> executed, int milliseconds) : IBenchmarkExecutor
    {
        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            executed.Add(run.Key);
            Thread.Sleep(milliseconds);
            return BenchmarkFixtures.ResultOf(run);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task WritersSharingAResultFileRunEachRunOnce(int writers)
    {
        var runs = NineRuns();
        var executed = new ConcurrentBag<BenchmarkRunKey>();
        using var start = new Barrier(writers);
        var jobs = Enumerable.Range(0, writers).Select(_ => Task.Factory.StartNew(() =>
        {
            // Each writer has store objects of its own, as a separate process would.
            var runner = new BenchmarkRunner(new ResultStore(ResultPath), new SlowExecutor(executed, 40));
            start.SignalAndWait();
            return runner.Run(runs).ToList();
        }, TaskCreationOptions.LongRunning)).ToList();
        var outcomes = await Task.WhenAll(jobs);

        var keys = runs.Select(r => r.Key.ToString()).Order().ToList();
        Assert.Equal(keys, executed.Select(k => k.ToString()).Order());
        Assert.Equal(runs.Count, File.ReadAllLines(ResultPath).Length);
        Assert.Equal(keys, new ResultStore(ResultPath).ReadAll().Select(r => r.GetKey().ToString()).Order());
        foreach (var mine in outcomes)
        {
            // One outcome per run for every writer: its own, the file's, or a note of who else has it.
            Assert.Equal(keys, mine.Select(o => o.Run.Key.ToString()).Order());
            Assert.DoesNotContain(mine, o => o.Status == BenchmarkRunStatus.Failed);
        }
        Assert.Equal(runs.Count, outcomes.Sum(mine => mine.Count(o => o.Status == BenchmarkRunStatus.Finished)));
        Assert.False(Directory.Exists(new ResultStore(ResultPath).Claims.Folder));
    }

    [Fact]
    public async Task ConcurrentAppendsAndReadsSeeWholeLinesOnly()
    {
        const int writers = 6, perWriter = 6;
        // Lines of ~50 kB, far longer than one write buffer.
        var parity = BenchmarkFixtures.Parity(1000, 0.1);
        var runs = Enumerable.Range(0, writers).Select(w => new ExperimentPlan
        {
            Tasks = new[] { $"task_{w}" },
            Methods = new[] { new PlannedMethod(LearningMethod.STL, new BenchmarkHyperparameters()) },
            Seeds = Enumerable.Range(0, perWriter).ToList(),
        }.Runs().ToList()).ToList();
        using var done = new CancellationTokenSource();
        var reader = Task.Factory.StartNew(() =>
        {
            int reads = 0, seen = 0;
            var store = new ResultStore(ResultPath);
            while (!done.IsCancellationRequested)
            {
                var read = store.Read(out bool truncated);
                Assert.False(truncated);
                Assert.True(read.Count >= seen);
                seen = read.Count;
                reads++;
            }
            return reads;
        }, TaskCreationOptions.LongRunning);
        var appenders = runs.Select(mine => Task.Factory.StartNew(() =>
        {
            var store = new ResultStore(ResultPath);
            foreach (var run in mine) Assert.True(store.Append(BenchmarkFixtures.ResultOf(run, parity)));
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(appenders);
        await done.CancelAsync();
        Assert.True(await reader > 0);

        var all = new ResultStore(ResultPath).Read(out bool tail);
        Assert.False(tail);
        Assert.Equal(writers * perWriter, File.ReadAllLines(ResultPath).Length);
        Assert.Equal(writers * perWriter, all.Select(r => r.GetKey()).Distinct().Count());
        Assert.All(all, r => Assert.Equal(parity.Predicted, r.Parity!.Predicted));
    }

    [Fact]
    public void AClaimOfADeadProcessOnThisHostIsTakenOver()
    {
        var claims = new ResultStore(ResultPath).Claims;
        var key = NineRuns()[0].Key;
        var gone = new[]
        {
            new ClaimOwner(Environment.MachineName, int.MaxValue, DateTimeOffset.UtcNow, "no-such-process"),
            // Our own process id with another start time: the id of a dead process, reused.
            new ClaimOwner(Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow.AddDays(-1), "reused-id"),
        };
        foreach (var dead in gone)
        {
            WriteClaim(claims, key, dead, DateTime.UtcNow);
            using var claim = claims.TryClaim(key, out var holder);
            Assert.NotNull(claim);
            Assert.Null(holder);
            Assert.Equal(Environment.ProcessId, claims.HolderOf(key)!.Pid);
            Assert.NotEqual(dead.Token, claims.HolderOf(key)!.Token);
        }
        Assert.Empty(Directory.GetFiles(claims.Folder));
    }

    [Fact]
    public void ClaimsLeftOnFinishedRunsByKilledWritersAreRemovedAtTheEnd()
    {
        // A writer killed after storing its run's result but before deleting its claim: the rerun
        // takes the run from the file and never claims it again.
        var store = new ResultStore(ResultPath);
        var runs = NineRuns().Take(2).ToList();
        Assert.True(store.Append(BenchmarkFixtures.ResultOf(runs[0])));
        WriteClaim(store.Claims, runs[0].Key, new ClaimOwner(Environment.MachineName, int.MaxValue, DateTimeOffset.UtcNow, "killed"), DateTime.UtcNow);
        // A live writer elsewhere, on a run of another plan: its claim stays.
        var elsewhere = NineRuns()[5].Key;
        WriteClaim(store.Claims, elsewhere, new ClaimOwner("another-node", 4242, DateTimeOffset.UtcNow, "live"), DateTime.UtcNow);

        var executed = new ConcurrentBag<BenchmarkRunKey>();
        var outcomes = new BenchmarkRunner(store, new SlowExecutor(executed, 0)).Run(runs).ToList();

        Assert.Equal(new[] { BenchmarkRunStatus.InResultFile, BenchmarkRunStatus.Finished }, outcomes.Select(o => o.Status));
        Assert.Equal(store.Claims.PathOf(elsewhere), Assert.Single(Directory.GetFiles(store.Claims.Folder)));

        File.Delete(store.Claims.PathOf(elsewhere));
        WriteClaim(store.Claims, runs[1].Key, new ClaimOwner(Environment.MachineName, int.MaxValue, DateTimeOffset.UtcNow, "killed"), DateTime.UtcNow);
        Assert.All(new BenchmarkRunner(store, new SlowExecutor(executed, 0)).Run(runs), o => Assert.Equal(BenchmarkRunStatus.InResultFile, o.Status));
        Assert.False(Directory.Exists(store.Claims.Folder));
    }

    [Fact]
    public void AnEmptyClaimIsItsWritersWhileLockedAndStaleOnceUnlocked()
    {
        var claims = new ResultStore(ResultPath).Claims;
        var key = NineRuns()[0].Key;
        Directory.CreateDirectory(claims.Folder);
        // Created and locked, not yet written: another writer leaves it to its writer.
        using (new FileStream(claims.PathOf(key), FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            Assert.Null(claims.TryClaim(key, out var holder));
            Assert.Null(holder);
        }
        // Its writer killed before writing it: the lock went with it, and the empty claim is taken over.
        using var claim = claims.TryClaim(key, out _);
        Assert.NotNull(claim);
        Assert.Equal(Environment.ProcessId, claims.HolderOf(key)!.Pid);
    }

    [Fact]
    public void AnotherHostsClaimLivesUntilUntouchedForTheStaleTime()
    {
        var store = new ResultStore(ResultPath, claimsStaleAfter: TimeSpan.FromMinutes(10));
        var runs = NineRuns().Take(2).ToList();
        var node = new ClaimOwner("another-node", 4242, DateTimeOffset.UtcNow.AddHours(-1), "live");
        WriteClaim(store.Claims, runs[0].Key, node, DateTime.UtcNow.AddMinutes(-2));
        WriteClaim(store.Claims, runs[1].Key, node with { Token = "stale" }, DateTime.UtcNow.AddMinutes(-11));

        var executed = new ConcurrentBag<BenchmarkRunKey>();
        var outcomes = new BenchmarkRunner(store, new SlowExecutor(executed, 0)).Run(runs).ToList();

        Assert.Equal(runs[1].Key, Assert.Single(executed));
        Assert.Equal(new[] { BenchmarkRunStatus.ClaimedElsewhere, BenchmarkRunStatus.Finished }, outcomes.Select(o => o.Status));
        Assert.Equal(("another-node", 4242), (outcomes[0].ClaimedBy!.Host, outcomes[0].ClaimedBy!.Pid));
        Assert.Equal("live", store.Claims.HolderOf(runs[0].Key)!.Token);
        Assert.Null(store.Claims.HolderOf(runs[1].Key));
        Assert.Equal(runs[1].Key, Assert.Single(store.ReadAll()).GetKey());
    }

    [Fact]
    public void AWriterThatWaitsOutputsTheWholePlanInPlanOrderReadingBackTheRunAnotherWriterDid()
    {
        var store = new ResultStore(ResultPath);
        var runs = NineRuns().Take(3).ToList();
        // Another writer (claims of their own, as another process has) holds the first run.
        var held = new RunClaims(store.Claims.Folder).TryClaim(runs[0].Key, out _)!;
        var executed = new ConcurrentBag<BenchmarkRunKey>();
        var waitedFor = new List<BenchmarkRunKey>();
        var hooks = new BenchmarkHooks
        {
            // The other writer finishes its run once this one has done its own and waits.
            Waiting = (run, holder) =>
            {
                waitedFor.Add(run.Key);
                Assert.Equal(Environment.ProcessId, holder!.Pid);
                Assert.True(store.Append(BenchmarkFixtures.ResultOf(run)));
                held.Dispose();
            },
        };
        var runner = new BenchmarkRunner(store, new SlowExecutor(executed, 0)) { WaitForOthersEvery = TimeSpan.Zero };
        var outcomes = runner.Run(runs, hooks).ToList();

        Assert.Equal(runs.Select(r => r.Key), outcomes.Select(o => o.Run.Key));
        Assert.Equal(new[] { BenchmarkRunStatus.InResultFile, BenchmarkRunStatus.Finished, BenchmarkRunStatus.Finished }, outcomes.Select(o => o.Status));
        Assert.All(outcomes, o => Assert.Equal(o.Run.Key, o.Result!.GetKey()));
        Assert.Equal(new[] { runs[0].Key }, waitedFor);
        Assert.Equal(runs.Skip(1).Select(r => r.Key.ToString()).Order(), executed.Select(k => k.ToString()).Order());
    }

    [Fact]
    public void AWriterThatWaitsRunsARunItsHolderGaveUpAndKeepsThePlanOrder()
    {
        var store = new ResultStore(ResultPath);
        var runs = NineRuns().Take(3).ToList();
        var held = new RunClaims(store.Claims.Folder).TryClaim(runs[1].Key, out _)!;
        var executed = new List<BenchmarkRunKey>();
        var hooks = new BenchmarkHooks { Waiting = (_, _) => held.Dispose() };
        var runner = new BenchmarkRunner(store, new RecordingExecutor(executed)) { WaitForOthersEvery = TimeSpan.Zero };
        var outcomes = runner.Run(runs, hooks).ToList();

        Assert.Equal(runs.Select(r => r.Key), outcomes.Select(o => o.Run.Key));
        Assert.All(outcomes, o => Assert.Equal(BenchmarkRunStatus.Finished, o.Status));
        Assert.Equal(new[] { runs[0].Key, runs[2].Key, runs[1].Key }, executed);
        Assert.Equal(3, store.ReadAll().Count);
    }

    /// <summary>TEST DOUBLE: records the order in which the runs are executed.</summary>
    sealed class RecordingExecutor(List<BenchmarkRunKey> executed) : IBenchmarkExecutor
    {
        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            executed.Add(run.Key);
            return BenchmarkFixtures.ResultOf(run);
        }
    }

    [Fact]
    public void AHeldClaimIsKeptFreshAndReleasedOnlyByItsOwner()
    {
        var claims = new RunClaims(Path.Combine(folder, "claims"), staleAfter: TimeSpan.FromSeconds(1.2));
        var key = NineRuns()[0].Key;
        var claim = claims.TryClaim(key, out _)!;
        var created = File.GetLastWriteTimeUtc(claim.Path);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (File.GetLastWriteTimeUtc(claim.Path) == created && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        Assert.True(File.GetLastWriteTimeUtc(claim.Path) > created, "the heartbeat touches the claim every 0.3 s");

        // This live process holds it, so a second writer here doesn't get it.
        Assert.Null(claims.TryClaim(key, out var holder));
        Assert.Equal(Environment.ProcessId, holder!.Pid);

        // Taken over by another writer meanwhile: releasing ours leaves theirs.
        WriteClaim(claims, key, new ClaimOwner("another-node", 1, DateTimeOffset.UtcNow, "theirs"), DateTime.UtcNow);
        claim.Dispose();
        Assert.Equal("theirs", claims.HolderOf(key)!.Token);
    }

    [Fact]
    public void ClaimFilesAreNamedAfterTheRunAndOddTaskNamesAreHashed()
    {
        var claims = new RunClaims(folder);
        var plain = new BenchmarkRunKey("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 3, "abc123");
        Assert.Equal(Path.Combine(folder, "jarvis_2d_gap_tbmbj.MoE.seed3.abc123.claim"), claims.PathOf(plain));
        var odd = plain with { Task = "../my set/β" };
        Assert.Equal(folder, Path.GetDirectoryName(claims.PathOf(odd)));
        Assert.Matches(@"^[0-9a-f]{16}\.MoE\.seed3\.abc123\.claim$", Path.GetFileName(claims.PathOf(odd)));
    }

    static void WriteClaim(RunClaims claims, BenchmarkRunKey key, ClaimOwner owner, DateTime touchedUtc)
    {
        Directory.CreateDirectory(claims.Folder);
        string path = claims.PathOf(key);
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(owner));
        File.SetLastWriteTimeUtc(path, touchedUtc);
    }
}
