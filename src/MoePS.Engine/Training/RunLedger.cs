using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>
/// What one run keeps and decides between its batches and epochs, whether it trains alone (<see cref="TrainingRun"/>)
/// or packed with others (<see cref="Packing.PackedTraining"/>): its normalised labels, learning rates by epoch, batch
/// plan, the running totals of the epoch, the epoch history with the best epoch and its weights, the early stop, and
/// the result with the best weights restored.
/// </summary>
internal sealed class RunLedger : IDisposable
{
    readonly IReadOnlyList<double> targets;
    readonly float[] normalisedLabels;
    readonly CosineAnnealingSchedule schedule;
    readonly WeightedSampler? sampler;
    double lossSum, absoluteErrorSum;
    int rowsSeen;

    public RunLedger(IReadOnlyList<double> targets, DatasetSplit split, TrainingOptions options, Normaliser normaliser, IReadOnlyList<double> baseRates)
    {
        this.targets = targets;
        Split = split;
        Options = options;
        Normaliser = normaliser;
        BaseRates = baseRates;
        normalisedLabels = targets.Select(t => (float)normaliser.Normalise(t)).ToArray();
        schedule = new CosineAnnealingSchedule(options.Epochs, options.MinimumLearningRate);
        sampler = options.WeightedSampling ? new WeightedSampler(split.Train.Select(i => targets[i]).ToArray(), options.Bins) : null;
        BatchSize = options.EffectiveBatchSize(split.Train.Length);
    }

    public DatasetSplit Split { get; }
    public TrainingOptions Options { get; }
    public Normaliser Normaliser { get; }
    public IReadOnlyList<double> BaseRates { get; }
    public int BatchSize { get; }
    public TrainingState State { get; } = new();

    /// <summary>The epoch budget is spent or the validation MAE has not improved for the patience.</summary>
    public bool Finished => State.Epoch >= Options.Epochs || State.PatienceExhausted(Options.Patience);

    /// <summary>Each parameter group's learning rate in the coming epoch.</summary>
    public double[] CurrentRates() => BaseRates.Select(r => schedule.RateAt(r, State.Epoch)).ToArray();

    /// <summary>The coming epoch's mini-batches; also starts the epoch's running totals.</summary>
    public IReadOnlyList<int[]> StartEpoch()
    {
        lossSum = absoluteErrorSum = 0;
        rowsSeen = 0;
        return BatchPlan.ForEpoch(Split.Train, BatchSize, Options.Seed, State.Epoch + 1, sampler);
    }

    /// <summary>
    /// The training loss of one batch (MSE on normalised labels plus the target's regulariser) in train mode, ready for
    /// backward; its value and absolute error go into the epoch's totals.
    /// </summary>
    public Tensor BatchLoss(ITrainingTarget target, int[] batch)
    {
        var predicted = target.Forward(batch);
        var labels = tensor(batch.Select(i => normalisedLabels[i]).ToArray(), device: target.Device).to(predicted.dtype);
        var loss = nn.functional.mse_loss(predicted, labels);
        var regularisation = target.Regularisation();
        if (regularisation is not null) loss = loss.add(regularisation, HeldScalars.One);
        lossSum += loss.to(ScalarType.Float64).item<double>() * batch.Length;
        absoluteErrorSum += (predicted.detach() - labels).abs().sum().to(ScalarType.Float64).item<double>();
        rowsSeen += batch.Length;
        return loss;
    }

    /// <summary>
    /// Closes the epoch: its record (mean loss and training MAE from the totals, <paramref name="validationMae"/>) joins the
    /// history, and the target's state is captured when the validation MAE is the best so far.
    /// </summary>
    public EpochRecord EndEpoch(ITrainingTarget target, double validationMae, double learningRate, double seconds)
    {
        State.Epoch++;
        var record = new EpochRecord(State.Epoch, lossSum / rowsSeen, absoluteErrorSum / rowsSeen * Normaliser.Std, validationMae,
            learningRate, seconds);
        State.History.Add(record);
        if (validationMae < State.BestValidationMae) State.SetBest(State.Epoch, validationMae, target.CaptureState());
        return record;
    }

    /// <summary>The progress report of the epoch just ended; <paramref name="perEpoch"/> is the mean epoch time so far.</summary>
    public EpochReport Report(EpochRecord record, TimeSpan elapsed, TimeSpan perEpoch)
    {
        int end = Math.Min(Options.Epochs, State.BestEpoch + Options.Patience);
        return new EpochReport(State.Epoch, Options.Epochs, record, State.BestEpoch, State.BestValidationMae, elapsed,
            perEpoch * Math.Max(0, end - State.Epoch));
    }

    /// <summary>MAE in target units over the rows with known labels, in eval mode.</summary>
    public double MaeOf(ITrainingTarget target, int[] rows)
    {
        int[] known = rows.Where(r => !double.IsNaN(targets[r])).ToArray();
        var predicted = TargetPredictions.Predict(target, known, BatchSize).Select(Normaliser.Denormalise).ToArray();
        return Metrics.MeanAbsoluteError(predicted, known.Select(r => targets[r]).ToArray());
    }

    /// <summary>
    /// The run's result: the best weights restored into <paramref name="target"/>, then its MAEs on each set;
    /// <paramref name="elapsed"/> is asked last, so that the run's wall time includes them.
    /// </summary>
    public TrainingResult Result(ITrainingTarget target, bool cancelled, int? resumedFrom, Func<TimeSpan> elapsed)
    {
        if (State.BestState != null) target.RestoreState(State.BestState);
        return new TrainingResult
        {
            History = State.History.ToArray(),
            BestEpoch = State.BestEpoch,
            BestValidationMae = State.BestEpoch > 0 ? State.BestValidationMae : double.NaN,
            TrainMae = MaeOf(target, Split.Train),
            ValidationMae = MaeOf(target, Split.Validation),
            TestMae = MaeOf(target, Split.Test),
            Normaliser = Normaliser,
            Options = Options,
            Device = target.Device.ToString(),
            StoppedEarly = !cancelled && State.Epoch < Options.Epochs,
            Cancelled = cancelled,
            ResumedFromEpoch = resumedFrom,
            Elapsed = elapsed(),
        };
    }

    public void Dispose() => State.Dispose();
}
