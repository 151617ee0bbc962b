namespace MoePS.Bench;

/// <summary>
/// One training epoch (train + validation): its seconds, the process's page faults during it and the heap trims at its
/// end (NativeMemory.ReleaseIfGrown; the trimmed memory is faulted back in during the next epoch).
/// </summary>
public sealed record EpochSample(double Seconds, PageFaults Faults, int HeapTrims);
