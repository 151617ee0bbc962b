using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Trains one benchmark run the way the paper compares methods, seed K on split K: STL is a CGCNN
/// trained from scratch (<see cref="ExtractorPretraining"/>) with the plan's <see cref="BenchmarkHyperparameters.StlRecipe"/>;
/// TL a mixture of the single extractor <see cref="BenchmarkHyperparameters.TransferFrom"/>; MoE, Ensemble and Concat a
/// gated mixture of the listed extractors (all available when none are listed) with k = TopK, PaperEnsemble and
/// PaperConcat the paper code's forms over all of them. The result holds the test-set predictions (parity data) and,
/// for mixtures, the gate scores (the raw scales for PaperConcat).
/// </summary>
public sealed partial class BenchmarkTrainer : IPackingBenchmarkExecutor, IDisposable
{
    readonly BenchmarkTasks tasks;
    readonly ComputeDevice device;
    readonly GraphCache graphCache;
    readonly BenchmarkExtractors extractors = new();

    /// <param name="tasks">Where the runs' datasets and splits come from.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="graphCache">Crystal-graph cache; null = the user cache's.</param>
    public BenchmarkTrainer(BenchmarkTasks tasks, ComputeDevice device, GraphCache? graphCache = null)
    {
        this.tasks = tasks;
        this.device = device;
        this.graphCache = graphCache ?? new GraphCache();
    }

    public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var dataset = Load(run, cancellation);
        var options = Options(run);
        return run.Method == LearningMethod.STL
            ? TrainFromScratch(run, dataset, options, progress, clock, cancellation)
            : TrainMixture(run, dataset, options, progress, clock, cancellation);
    }

    /// <summary>The run's task with the split of its seed, which must have test rows.</summary>
    CrystalDataset Load(PlannedRun run, CancellationToken cancellation)
    {
        var dataset = tasks.Load(run.Task, run.Seed, cancellation);
        if (dataset.Split!.Test.Length == 0)
            throw new ArgumentException($"The split of '{run.Task}' for seed {run.Seed} ({dataset.Split.Origin}) has no test rows.");
        return dataset;
    }

    /// <summary>The training options of a run: its recipe settings and seed, and STL's recipe.</summary>
    internal static TrainingOptions Options(PlannedRun run)
    {
        var options = RunSettings.Apply(run.Settings, new TrainingOptions { Seed = run.Seed });
        return run.Method == LearningMethod.STL ? options.With(run.Settings.StlRecipe) : options;
    }

    BenchmarkResult TrainFromScratch(PlannedRun run, CrystalDataset dataset, TrainingOptions options,
        IProgress<EpochReport>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        using var model = ExtractorPretraining.Train(dataset, options, device: device, progress: progress,
            cancellation: cancellation, graphCache: graphCache);
        return Result(run, dataset, model, model.Training!, topK: null, Array.Empty<string>(), GateScoreDictionary.Empty, clock.Elapsed, cancellation);
    }

    BenchmarkResult TrainMixture(PlannedRun run, CrystalDataset dataset, TrainingOptions options,
        IProgress<EpochReport>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        var (names, mixture) = MixtureShape(run);
        using var untrained = new MixtureModel(extractors.Get(names), mixture);
        using var model = MixtureTraining.Train(untrained, dataset, options, device, graphCache, progress, cancellation);
        return MixtureResult(run, dataset, model, names, clock.Elapsed, cancellation);
    }

    /// <summary>
    /// The extractors and options of a run's mixture: TL's one extractor, or the listed ones (all available when none are); its
    /// method's aggregation, and TL with every extractor (its one) active.
    /// </summary>
    internal static (IReadOnlyList<string> Names, MixtureOptions Options) MixtureShape(PlannedRun run)
    {
        var s = run.Settings;
        bool transfer = run.Method == LearningMethod.TL;
        IReadOnlyList<string> names = transfer ? new[] { s.TransferFrom }
            : s.Extractors.Count > 0 ? s.Extractors : BenchmarkExtractors.DefaultNames();
        return (names, RunSettings.Apply(s, new MixtureOptions()) with
        {
            TopK = transfer ? null : s.TopK,
            Aggregation = run.Method.AggregationOf() ?? throw new ArgumentException($"{run.Method} does not train a mixture."),
        });
    }

    /// <summary>A trained mixture's result; TL has no gate scores.</summary>
    BenchmarkResult MixtureResult(PlannedRun run, CrystalDataset dataset, MixtureModel model, IReadOnlyList<string> names, TimeSpan elapsed,
        CancellationToken cancellation)
    {
        bool transfer = run.Method == LearningMethod.TL;
        var gates = transfer ? GateScoreDictionary.Empty
            : new GateScoreDictionary(model.ExtractorScores().Select(e => new KeyValuePair<string, double>(e.Extractor, e.Score)));
        return Result(run, dataset, model, model.Training!, transfer ? null : model.TopK, names, gates, elapsed, cancellation);
    }

    /// <param name="elapsed">The run's wall time (its share, when it trained in a pack).</param>
    BenchmarkResult Result(PlannedRun run, CrystalDataset dataset, IPropertyModel model, TrainingResult training, int? topK,
        IReadOnlyList<string> extractorNames, GateScoreDictionary gates, TimeSpan elapsed, CancellationToken cancellation)
    {
        // A run cut short by Ctrl+C is not a result: it must be redone when the benchmark resumes.
        if (training.Cancelled) throw new OperationCanceledException("The run was cancelled before it finished.", cancellation);
        return new BenchmarkResult
        {
            Task = run.Task,
            Method = run.Method,
            Seed = run.Seed,
            Rows = dataset.Count,
            TestMAE = training.TestMae,
            ValMAE = training.ValidationMae,
            Unit = dataset.Unit,
            BestEpoch = training.BestEpoch,
            Epochs = training.EpochsRun,
            Seconds = elapsed.TotalSeconds,
            Device = training.Device,
            TopK = topK,
            Extractors = string.Join(",", extractorNames),
            Split = dataset.Split!.Origin,
            ConfigHash = run.ConfigHash,
            Settings = run.SettingsText,
            Finished = DateTimeOffset.Now,
            GateScoreDictionary = gates,
            Parity = TestParity(dataset, model, cancellation),
        };
    }

    /// <summary>Ids, actual and predicted values of the test rows, from the trained (best-validation) model.</summary>
    ParityData TestParity(CrystalDataset dataset, IPropertyModel model, CancellationToken cancellation)
    {
        var rows = dataset.Rows(dataset.Split!.Test).ToList();
        var crystals = rows.Select(r => r.Crystal).ToList();
        var predicted = model.Predict(new CrystalInputs(crystals, graphCache, cancellation: cancellation), device);
        return new ParityData(crystals.Select(c => c.Id).ToArray(), rows.Select(r => r.Target).ToArray(), predicted);
    }

    public void Dispose() => extractors.Dispose();
}
