namespace MoePS.Bench;

/// <summary>One training epoch (train + validation): its seconds and the process's page faults during it.</summary>
public sealed record EpochSample(double Seconds, PageFaults Faults);
