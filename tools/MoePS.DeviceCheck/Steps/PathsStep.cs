using System.Globalization;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Library;

namespace MoePS.DeviceCheck.Steps;

/// <summary>
/// Every engine path the cmdlets use, on the device, on the smallest paper task: features, prediction, STL, TL, a mixture
/// with each aggregation and each frozen normalisation, a saved and re-read mixture, a benchmark run through the runner
/// and its result file, and a checkpointed run stopped and resumed. Each trains two epochs (a resumed run four); a path
/// passes when it runs, reports the device it trained on, and gives finite MAEs and predictions.
/// </summary>
public sealed class PathsStep : ICheckStep
{
    const int Epochs = 2;

    public string Name => "paths";

    public StepOutcome Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = new CheckItems(context);
        var task = context.LoadTask(CheckContext.SmallTask);
        var crystals = task.Entries.Select(e => e.Crystal).ToList();
        var device = context.Device;
        var options = new TrainingOptions { Epochs = Epochs, Patience = Epochs, Seed = 0 };
        var extractors = context.ExtractorNames.Select(n => ExtractorLibrary.Load(n)).ToList();
        try
        {
            items.Run("features", () =>
            {
                var features = PropertyPredictor.Features(extractors[0], crystals, device);
                return (features.Count == crystals.Count && features.All(f => f.Feature.All(float.IsFinite)),
                    $"{features.Count} vectors of {features[0].Feature.Length}");
            });
            items.Run("prediction", () => Predictions(new IPropertyModel[] { extractors[0] }, task, device));
            items.Run("stl", () =>
            {
                using var model = ExtractorPretraining.Train(task, options, device: device, elements: context.Elements, graphCache: context.GraphCache);
                return Trained(model.Training!, device);
            });
            items.Run("tl", () =>
            {
                using var untrained = new MixtureModel(new[] { extractors[0] }, new MixtureOptions());
                using var model = MixtureTraining.Train(untrained, task, options, device, context.GraphCache);
                return Trained(model.Training!, device);
            });
            foreach (var aggregation in Enum.GetValues<Aggregation>())
                foreach (var normalization in Enum.GetValues<FrozenNormalization>())
                    items.Run($"moe {aggregation} {normalization}", () =>
                    {
                        var mixture = new MixtureOptions
                        {
                            Aggregation = aggregation, FrozenNormalization = normalization, TopK = aggregation.HasTopK() ? 2 : null,
                        };
                        using var untrained = new MixtureModel(extractors, mixture);
                        using var model = MixtureTraining.Train(untrained, task, options, device, context.GraphCache);
                        var (passed, detail) = Trained(model.Training!, device);
                        var (predicted, predictions) = Predictions(new IPropertyModel[] { model }, task, device);
                        return (passed && predicted, $"{detail}; {predictions}");
                    });
            items.Run("mixture saved and read", () => SavedAndRead(context, extractors, task, options));
            items.Run("benchmark run", () => BenchmarkRun(context, task));
            items.Run("checkpoint and resume", () => CheckpointAndResume(context, extractors, task, options));
        }
        finally
        {
            foreach (var e in extractors) e.Dispose();
        }
        return new StepOutcome(items.AllPassed, new { task = task.Name, extractors = extractors.Count, epochs = Epochs, checks = items.Items });
    }

    static (bool, string) Trained(TrainingResult run, Engine.Runtime.ComputeDevice device) =>
        (run.Device == device.Name && run.EpochsRun > 0 && double.IsFinite(run.TrainMae) && double.IsFinite(run.ValidationMae) && double.IsFinite(run.TestMae),
            Invariant($"{run.Device}: {run}"));

    static (bool, string) Predictions(IReadOnlyList<IPropertyModel> models, CrystalDataset task, Engine.Runtime.ComputeDevice device)
    {
        var inputs = task.Entries.Select(e => new PredictionInput(e.Crystal, e.Target)).ToList();
        var predictions = PropertyPredictor.Predict(models, inputs, device);
        double mae = predictions.Average(p => p.AbsoluteError ?? double.NaN);
        return (predictions.Count == inputs.Count && predictions.All(p => double.IsFinite(p.Predicted)),
            Invariant($"{predictions.Count} predictions, MAE {mae:G4}"));
    }

    static (bool, string) SavedAndRead(CheckContext context, IReadOnlyList<Extractor> extractors, CrystalDataset task, TrainingOptions options)
    {
        var device = context.Device;
        using var untrained = new MixtureModel(extractors, new MixtureOptions { TopK = 2 });
        using var model = MixtureTraining.Train(untrained, task, options, device, context.GraphCache);
        string file = Path.Combine(context.Scratch("models"), "moe" + MixtureFile.Extension);
        MixtureFile.Write(model, file);
        using var read = MixtureFile.Read(file, (name, _) => ExtractorLibrary.Load(name));
        var crystals = new CrystalInputs(task.Entries.Select(e => e.Crystal).ToList(), context.GraphCache);
        var before = model.Predict(crystals, device);
        var after = read.Predict(crystals, device);
        double deviation = before.Zip(after, (a, b) => Math.Abs(a - b)).Max();
        return (deviation <= 1e-5, Invariant($"max |Δ prediction| after writing and reading {MixtureFile.Extension}: {deviation:G3}"));
    }

    static (bool, string) BenchmarkRun(CheckContext context, CrystalDataset task)
    {
        var settings = new BenchmarkHyperparameters { Epochs = Epochs, Patience = Epochs, TopK = 2, Extractors = context.ExtractorNames };
        var run = new PlannedRun(task.Name, LearningMethod.MoE, 0, settings);
        var store = new ResultStore(Path.Combine(context.Scratch("benchmark"), "results.jsonl"));
        using var trainer = new BenchmarkTrainer(new BenchmarkTasks(context.DataPath("splits"), new[] { task }), context.Device, context.GraphCache);
        var outcome = new BenchmarkRunner(store, trainer).Run(new[] { run }).Single();
        var stored = store.ReadAll();
        bool passed = outcome.Status == BenchmarkRunStatus.Finished && stored.Count == 1 && stored[0].Device == context.Device.Name
            && double.IsFinite(stored[0].TestMAE);
        string detail = stored.Count == 0 ? $"{outcome.Status}; nothing in the result file"
            : Invariant($"{outcome.Status}; result file: {stored.Count} line(s), test MAE {stored[0].TestMAE:G4} on {stored[0].Device}");
        return (passed, outcome.Error?.ToString() ?? detail);
    }

    /// <summary>A run of four epochs stopped after the second (its checkpoint written), then resumed to the end.</summary>
    static (bool, string) CheckpointAndResume(CheckContext context, IReadOnlyList<Extractor> extractors, CrystalDataset task, TrainingOptions options)
    {
        var device = context.Device;
        var resumable = options with
        {
            Epochs = 2 * Epochs, Patience = 2 * Epochs, CheckpointEvery = 1,
            CheckpointPath = Path.Combine(context.Scratch("checkpoint"), "moe.ckpt"),
        };
        using var untrained = new MixtureModel(extractors, new MixtureOptions { TopK = 2 });
        using var stop = new CancellationTokenSource();
        var stopAfterFirstHalf = new InlineProgress<EpochReport>(r => { if (r.Epoch == Epochs) stop.Cancel(); });
        using var stopped = MixtureTraining.Train(untrained, task, resumable, device, context.GraphCache, stopAfterFirstHalf, stop.Token);
        using var resumed = MixtureTraining.Train(untrained, task, resumable with { Resume = true }, device, context.GraphCache);
        using var straight = MixtureTraining.Train(untrained, task, resumable with { CheckpointPath = null }, device, context.GraphCache);
        var r = resumed.Training!;
        bool passed = stopped.Training!.Cancelled && r.ResumedFromEpoch == Epochs && r.EpochsRun == 2 * Epochs && Trained(r, device).Item1;
        return (passed, Invariant($"stopped after epoch {stopped.Training.EpochsRun}, resumed from {r.ResumedFromEpoch} to {r.EpochsRun}: val MAE {r.ValidationMae:G6}; an uninterrupted run: {straight.Training!.ValidationMae:G6}"));
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An IProgress that runs its handler on the reporting (training) thread, at once.</summary>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
