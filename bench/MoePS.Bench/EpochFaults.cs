using MoePS.Engine.Runtime;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Page faults and heap trims between consecutive epoch reports, read on the training thread as each report arrives;
/// the first epoch's count starts when this is created, so it includes the run's set-up.
/// </summary>
internal sealed class EpochFaults : IProgress<EpochReport>
{
    readonly List<(PageFaults Faults, int Trims)> perEpoch = new();
    PageFaults last = MachineState.Faults();
    int lastTrims = NativeMemory.TrimCount;

    public void Report(EpochReport value)
    {
        var now = MachineState.Faults();
        int trims = NativeMemory.TrimCount;
        perEpoch.Add((now - last, trims - lastTrims));
        (last, lastTrims) = (now, trims);
    }

    /// <summary>Each epoch of <paramref name="history"/> (the trainer's own seconds) with its faults.</summary>
    public IReadOnlyList<EpochSample> Samples(IReadOnlyList<EpochRecord> history) =>
        history.Count == perEpoch.Count
            ? history.Zip(perEpoch, (h, e) => new EpochSample(h.Seconds, e.Faults, e.Trims)).ToList()
            : throw new InvalidOperationException($"{history.Count} epochs in the history but {perEpoch.Count} epoch reports.");
}
