using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Training;
using Xunit;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>The runner's packs — which runs go together, one line per run as each ends, claims, resuming — with a stand-in executor.</summary>
public sealed class BenchmarkPackingTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-packing-").FullName;
    readonly ResultStore store;

    public BenchmarkPackingTests() => store = new ResultStore(Path.Combine(folder, "runs.jsonl"));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly BenchmarkHyperparameters Settings = new() { Epochs = 5, Patience = 5 };

    /// <summary>Two tasks × STL, TL, MoE × three seeds: plan order is task, method, seed.</summary>
    static ExperimentPlan Plan() => new()
    {
        Tasks = new[] { "task_a", "task_b" },
        Methods = new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE }.Select(m => new PlannedMethod(m, Settings)).ToList(),
        Seeds = new[] { 0, 1, 2 },
    };

    /// <summary>
    /// TEST DOUBLE: packs every method but STL and answers each run with a made-up result instead of training. In a pack,
    /// the last seed ends first (as a run that stops early), and it looks at the result file when the next one ends.
    /// </summary>
    sealed class StandInPacker(ResultStore store) : IPackingBenchmarkExecutor
    {
        public List<BenchmarkRunKey> Alone { get; } = new();
        public List<IReadOnlyList<BenchmarkRunKey>> Packs { get; } = new();
        public List<int> LinesWhenSecondEnded { get; } = new();
        public HashSet<int> FailingSeeds { get; init; } = new();
        public bool FailPack { get; init; }
        public CancellationTokenSource? CancelAfterFirst { get; init; }

        public bool CanPack(PlannedRun run) => run.Method != LearningMethod.STL;

        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            Alone.Add(run.Key);
            return BenchmarkFixtures.ResultOf(run);
        }

        public void ExecutePack(IReadOnlyList<PlannedRun> runs, Action<PlannedRun, BenchmarkResult> finished, Action<PlannedRun, Exception> failed,
            IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            Packs.Add(runs.Select(r => r.Key).ToList());
            var training = runs.Where(r => !FailingSeeds.Contains(r.Seed)).ToList();
            foreach (var r in runs.Except(training)) failed(r, new InvalidDataException($"no split for seed {r.Seed}"));
            for (int i = training.Count - 1; i >= 0; i--)
            {
                if (FailPack && i == 0) throw new InvalidOperationException("the pack ran out of memory");
                finished(training[i], BenchmarkFixtures.ResultOf(training[i]));
                if (CancelAfterFirst != null)
                {
                    CancelAfterFirst.Cancel();
                    cancellation.ThrowIfCancellationRequested();
                }
                if (i == training.Count - 2) LinesWhenSecondEnded.Add(store.ReadAll().Count);
            }
        }
    }

    [Fact]
    public void TheSeedsOfAMethodOnATaskTrainAsOnePackAndEachRunIsStoredAsItEnds()
    {
        var plan = Plan().Runs().ToList();
        var packer = new StandInPacker(store);
        var started = new List<BenchmarkStep>();
        var outcomes = new BenchmarkRunner(store, packer).Run(plan, new BenchmarkHooks { Starting = started.Add }).ToList();

        Assert.Equal(plan.Select(r => r.Key), outcomes.Select(o => o.Run.Key));
        Assert.All(outcomes, o => Assert.Equal(BenchmarkRunStatus.Finished, o.Status));
        Assert.Equal(plan.Where(r => r.Method == LearningMethod.STL).Select(r => r.Key), packer.Alone);
        Assert.Equal(4, packer.Packs.Count);
        Assert.All(packer.Packs, p => Assert.Equal(new[] { 0, 1, 2 }, p.Select(k => k.Seed)));
        Assert.All(packer.Packs, p => Assert.Single(p.Select(k => (k.Task, k.Method, k.ConfigHash)).Distinct()));
        // One line per run, the first run of each pack stored before the pack ended.
        Assert.Equal(plan.Count, store.ReadAll().Count);
        Assert.Equal(new[] { 5, 8, 14, 17 }, packer.LinesWhenSecondEnded);
        Assert.Equal(new[] { 1, 1, 1, 3, 3, 1, 1, 1, 3, 3 }, started.Select(s => s.Pack.Count));
        Assert.False(Directory.Exists(store.Claims.Folder));
    }

    [Fact]
    public void APackLeavesOutTheRunsInTheFileAndThoseAnotherWriterHolds()
    {
        var plan = Plan().Runs().Where(r => r.Task == "task_a" && r.Method == LearningMethod.TL).ToList();
        Assert.True(store.Append(BenchmarkFixtures.ResultOf(plan[1])));
        using var held = new RunClaims(store.Claims.Folder).TryClaim(plan[2].Key, out _);
        var packer = new StandInPacker(store);
        // The other writer still holds seed 2 when it is looked at again: it is left to that writer.
        var outcomes = new BenchmarkRunner(store, packer).Run(plan).ToList();

        Assert.Equal(new[] { plan[0].Key }, packer.Alone);
        Assert.Empty(packer.Packs);
        Assert.Equal(new[] { BenchmarkRunStatus.Finished, BenchmarkRunStatus.InResultFile, BenchmarkRunStatus.ClaimedElsewhere }, outcomes.Select(o => o.Status));
        held!.Dispose();

        var rerun = new BenchmarkRunner(store, packer).Run(Plan().Runs().Where(r => r.Method == LearningMethod.TL)).ToList();
        Assert.Equal(new[] { plan[2].Key }, packer.Alone.Skip(1));
        Assert.Equal(new[] { 0, 1, 2 }, Assert.Single(packer.Packs).Select(k => k.Seed));
        Assert.Equal(6, rerun.Count(o => o.Succeeded));
        Assert.Equal(6, store.ReadAll().Count);
    }

    [Fact]
    public void WithoutPackingEveryRunTrainsAlone()
    {
        var packer = new StandInPacker(store);
        var outcomes = new BenchmarkRunner(store, packer, pack: false).Run(Plan().Runs()).ToList();
        Assert.Empty(packer.Packs);
        Assert.Equal(Plan().Runs().Select(r => r.Key), packer.Alone);
        Assert.All(outcomes, o => Assert.Equal(BenchmarkRunStatus.Finished, o.Status));
    }

    [Fact]
    public void ARunKeptOutOfAPackAndAPackThatFailsAreFailuresOfTheirRunsOnly()
    {
        var plan = Plan().Runs().Where(r => r.Task == "task_a" && r.Method != LearningMethod.STL).ToList();
        var outcomes = new BenchmarkRunner(store, new StandInPacker(store) { FailingSeeds = { 1 } }).Run(plan).ToList();
        Assert.Equal(new[] { true, false, true, true, false, true }, outcomes.Select(o => o.Succeeded));
        Assert.Contains("no split for seed 1", outcomes[1].Error!.Message);

        File.Delete(store.Path);
        outcomes = new BenchmarkRunner(store, new StandInPacker(store) { FailPack = true }).Run(plan).ToList();
        // The runs that ended before the pack failed are stored; the one still training failed with the pack.
        Assert.Equal(new[] { false, true, true, false, true, true }, outcomes.Select(o => o.Succeeded));
        Assert.Contains("ran out of memory", outcomes[0].Error!.Message);
        Assert.Equal(4, store.ReadAll().Count);
        Assert.False(Directory.Exists(store.Claims.Folder));
    }

    [Fact]
    public void ACancelledPackStillReportsTheRunsThatHadEnded()
    {
        var plan = Plan().Runs().Where(r => r.Task == "task_a" && r.Method == LearningMethod.TL).ToList();
        using var stop = new CancellationTokenSource();
        var seen = new List<BenchmarkRunOutcome>();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var o in new BenchmarkRunner(store, new StandInPacker(store) { CancelAfterFirst = stop }).Run(plan, cancellation: stop.Token)) seen.Add(o);
        });
        var ended = Assert.Single(seen);
        Assert.Equal((2, BenchmarkRunStatus.Finished), (ended.Run.Seed, ended.Status));
        Assert.Equal(2, Assert.Single(store.ReadAll()).Seed);
        Assert.False(Directory.Exists(store.Claims.Folder));
    }
}
