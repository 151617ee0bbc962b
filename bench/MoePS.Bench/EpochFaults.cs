using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Page faults between consecutive epoch reports, read on the training thread as each report arrives; the first
/// epoch's count starts when this is created, so it includes the run's set-up.
/// </summary>
internal sealed class EpochFaults : IProgress<EpochReport>
{
    readonly List<PageFaults> perEpoch = new();
    PageFaults last = MachineState.Faults();

    public void Report(EpochReport value)
    {
        var now = MachineState.Faults();
        perEpoch.Add(now - last);
        last = now;
    }

    /// <summary>Each epoch of <paramref name="history"/> (the trainer's own seconds) with its faults.</summary>
    public IReadOnlyList<EpochSample> Samples(IReadOnlyList<EpochRecord> history) =>
        history.Count == perEpoch.Count
            ? history.Zip(perEpoch, (h, f) => new EpochSample(h.Seconds, f)).ToList()
            : throw new InvalidOperationException($"{history.Count} epochs in the history but {perEpoch.Count} epoch reports.");
}
