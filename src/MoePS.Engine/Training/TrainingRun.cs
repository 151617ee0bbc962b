using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>One call of <see cref="Trainer.Fit"/>: owns the optimiser and the run's state.</summary>
internal sealed class TrainingRun : IDisposable
{
    readonly ITrainingTarget target;
    readonly IReadOnlyList<double> targets;
    readonly DatasetSplit split;
    readonly TrainingOptions options;
    readonly Normaliser normaliser;
    readonly float[] normalisedLabels;
    readonly double[] baseRates;
    readonly OptimizerHelper optimizer;
    readonly CosineAnnealingSchedule schedule;
    readonly WeightedSampler? sampler;
    readonly int batchSize;
    readonly TrainingState state = new();

    public TrainingRun(ITrainingTarget target, IReadOnlyList<double> targets, DatasetSplit split, TrainingOptions options, Normaliser normaliser)
    {
        this.target = target;
        this.targets = targets;
        this.split = split;
        this.options = options;
        this.normaliser = normaliser;
        normalisedLabels = targets.Select(t => (float)normaliser.Normalise(t)).ToArray();
        var groups = target.ParameterGroups(options.LearningRate);
        baseRates = groups.Select(g => g.LearningRate).ToArray();
        optimizer = OptimizerFactory.Create(groups, options);
        schedule = new CosineAnnealingSchedule(options.Epochs, options.MinimumLearningRate);
        sampler = options.WeightedSampling ? new WeightedSampler(split.Train.Select(i => targets[i]).ToArray(), options.Bins) : null;
        batchSize = options.EffectiveBatchSize(split.Train.Length);
    }

    public TrainingResult Execute(IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        int? resumedFrom = null;
        var identity = RunIdentity.Of(target, options, baseRates, split, normaliser);
        if (options.Resume && File.Exists(options.CheckpointPath))
        {
            TrainingCheckpoint.Load(options.CheckpointPath!, identity, state, target, optimizer);
            resumedFrom = state.Epoch;
        }

        var clock = Stopwatch.StartNew();
        int epochsThisSession = 0;
        bool cancelled = false;
        while (state.Epoch < options.Epochs && !state.PatienceExhausted(options.Patience))
        {
            var epochClock = Stopwatch.StartNew();
            double[] rates = RatesAt(state.Epoch);
            OptimizerFactory.SetRates(optimizer, rates);
            manual_seed(SplitMix64.TorchSeed(options.Seed, state.Epoch + 1));
            var batches = BatchPlan.ForEpoch(split.Train, batchSize, options.Seed, state.Epoch + 1, sampler);
            if (!TrainEpoch(batches, cancellation, out double loss, out double trainMae))
            {
                cancelled = true;
                break;
            }
            double validationMae = MaeOf(split.Validation);
            NativeMemory.ReleaseIfGrown(); // keeps resident memory flat across epochs; see NativeMemory

            state.Epoch++;
            epochsThisSession++;
            var record = new EpochRecord(state.Epoch, loss, trainMae, validationMae, rates[0], epochClock.Elapsed.TotalSeconds);
            state.History.Add(record);
            if (validationMae < state.BestValidationMae) state.SetBest(state.Epoch, validationMae, target.CaptureState());

            var elapsed = state.ElapsedBefore + clock.Elapsed;
            if (options.CheckpointPath != null && (state.Epoch % options.CheckpointEvery == 0 || Finished))
                TrainingCheckpoint.Save(options.CheckpointPath, identity, state, elapsed, target, optimizer);
            progress?.Report(new EpochReport(state.Epoch, options.Epochs, record, state.BestEpoch, state.BestValidationMae,
                elapsed, Remaining(clock.Elapsed / epochsThisSession)));
        }

        if (state.BestState != null) target.RestoreState(state.BestState);
        var result = new TrainingResult
        {
            History = state.History.ToArray(),
            BestEpoch = state.BestEpoch,
            BestValidationMae = state.BestEpoch > 0 ? state.BestValidationMae : double.NaN,
            TrainMae = MaeOf(split.Train),
            ValidationMae = MaeOf(split.Validation),
            TestMae = MaeOf(split.Test),
            Normaliser = normaliser,
            Options = options,
            Device = target.Device.ToString(),
            StoppedEarly = !cancelled && state.Epoch < options.Epochs,
            Cancelled = cancelled,
            ResumedFromEpoch = resumedFrom,
            Elapsed = state.ElapsedBefore + clock.Elapsed,
        };
        NativeMemory.Release();
        return result;
    }

    bool Finished => state.Epoch >= options.Epochs || state.PatienceExhausted(options.Patience);

    double[] RatesAt(int epochsDone) => baseRates.Select(r => schedule.RateAt(r, epochsDone)).ToArray();

    /// <summary>Epochs left until the budget or the early stop, whichever comes first, at the mean epoch time.</summary>
    TimeSpan Remaining(TimeSpan perEpoch)
    {
        int end = Math.Min(options.Epochs, state.BestEpoch + options.Patience);
        return perEpoch * Math.Max(0, end - state.Epoch);
    }

    /// <summary>One pass over the batches; false when cancelled before the end (the partial epoch is not recorded).</summary>
    bool TrainEpoch(IReadOnlyList<int[]> batches, CancellationToken cancellation, out double meanLoss, out double meanAbsoluteError)
    {
        target.SetTraining(true);
        double lossSum = 0, absoluteErrorSum = 0;
        int rows = 0;
        meanLoss = meanAbsoluteError = double.NaN;
        foreach (var batch in batches)
        {
            if (cancellation.IsCancellationRequested) return false;
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var predicted = target.Forward(batch);
            var labels = tensor(batch.Select(i => normalisedLabels[i]).ToArray(), device: target.Device).to(predicted.dtype);
            var loss = nn.functional.mse_loss(predicted, labels);
            var regularisation = target.Regularisation();
            if (regularisation is not null) loss = loss + regularisation;
            loss.backward();
            optimizer.step();
            lossSum += loss.to(ScalarType.Float64).item<double>() * batch.Length;
            absoluteErrorSum += (predicted.detach() - labels).abs().sum().to(ScalarType.Float64).item<double>();
            rows += batch.Length;
        }
        meanLoss = lossSum / rows;
        meanAbsoluteError = absoluteErrorSum / rows * normaliser.Std;
        return true;
    }

    /// <summary>MAE in target units over the rows with known labels, in eval mode.</summary>
    double MaeOf(int[] rows)
    {
        int[] known = rows.Where(r => !double.IsNaN(targets[r])).ToArray();
        var predicted = TargetPredictions.Predict(target, known, batchSize).Select(normaliser.Denormalise).ToArray();
        return Metrics.MeanAbsoluteError(predicted, known.Select(r => targets[r]).ToArray());
    }

    public void Dispose()
    {
        state.Dispose();
        optimizer.Dispose();
    }
}
