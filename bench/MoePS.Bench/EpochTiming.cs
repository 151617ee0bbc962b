namespace MoePS.Bench;

/// <summary>
/// How the epoch-time benchmarks time: <see cref="Repeats"/> fresh trainings of <see cref="Epochs"/> epochs each, the
/// first epoch of each (warm-up, and for the paper's STL its lazy graph building) left out.
/// </summary>
public sealed record EpochTiming(int Repeats = 3, int Epochs = 8)
{
    public static EpochTiming Checked(int repeats, int epochs) =>
        repeats >= 1 && epochs >= 2 ? new EpochTiming(repeats, epochs)
            : throw new ArgumentException($"--repeats must be at least 1 and --epochs at least 2 (got {repeats} and {epochs}).");

    public string Describe() => $"epochs 2-{Epochs} of {Repeats} run(s)";
}
