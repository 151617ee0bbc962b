using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>The progress of a run that a checkpoint keeps: epochs done, history, and the best epoch with its weights.</summary>
internal sealed class TrainingState : IDisposable
{
    public int Epoch { get; set; }
    public List<EpochRecord> History { get; } = new();
    public int BestEpoch { get; private set; }
    public double BestValidationMae { get; private set; } = double.PositiveInfinity;

    /// <summary>Copy of the target's state at <see cref="BestEpoch"/>; owned (and disposed) here.</summary>
    public IReadOnlyDictionary<string, Tensor>? BestState { get; private set; }

    /// <summary>Wall time spent before this process resumed the run.</summary>
    public TimeSpan ElapsedBefore { get; set; }

    /// <summary>The early stop: <paramref name="patience"/> epochs since the best (or since the start, when none was finite).</summary>
    public bool PatienceExhausted(int patience) => Epoch - BestEpoch >= patience;

    public void SetBest(int epoch, double validationMae, IReadOnlyDictionary<string, Tensor> state)
    {
        DisposeBest();
        BestEpoch = epoch;
        BestValidationMae = validationMae;
        BestState = state;
    }

    public void Dispose() => DisposeBest();

    void DisposeBest()
    {
        if (BestState == null) return;
        foreach (var t in BestState.Values) t.Dispose();
        BestState = null;
    }
}
