namespace MoePS.Bench;

/// <summary>
/// One training epoch (train + validation): its seconds, the process's page faults during it, the heap trims at its
/// end (NativeMemory.ReleaseIfGrown; the trimmed memory is faulted back in during the next epoch), and where its
/// threads spent their time (measured in this process only: null for the cmdlets' and the paper's child processes).
/// </summary>
public sealed record EpochSample(double Seconds, PageFaults Faults, int HeapTrims, ThreadUse? Threads = null);
