using MoePS.Engine.Runtime;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Page faults, heap trims and thread time between consecutive epoch reports, read on the training thread as each report
/// arrives; the first epoch's count starts when this is created, so it includes the run's set-up.
/// </summary>
internal sealed class EpochCosts : IProgress<EpochReport>
{
    readonly List<(PageFaults Faults, int Trims, ThreadUse Threads)> perEpoch = new();
    PageFaults lastFaults = MachineState.Faults();
    int lastTrims = NativeMemory.TrimCount;
    ThreadTimes lastThreads = ThreadTimes.Now();

    public void Report(EpochReport value)
    {
        var faults = MachineState.Faults();
        int trims = NativeMemory.TrimCount;
        var threads = ThreadTimes.Now();
        perEpoch.Add((faults - lastFaults, trims - lastTrims, threads.Since(lastThreads)));
        (lastFaults, lastTrims, lastThreads) = (faults, trims, threads);
    }

    /// <summary>Each epoch of <paramref name="history"/> (the trainer's own seconds) with its costs.</summary>
    public IReadOnlyList<EpochSample> Samples(IReadOnlyList<EpochRecord> history) =>
        history.Count == perEpoch.Count
            ? history.Zip(perEpoch, (h, e) => new EpochSample(h.Seconds, e.Faults, e.Trims, e.Threads)).ToList()
            : throw new InvalidOperationException($"{history.Count} epochs in the history but {perEpoch.Count} epoch reports.");
}
