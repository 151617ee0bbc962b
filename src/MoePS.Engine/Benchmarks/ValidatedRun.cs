namespace MoePS.Engine.Benchmarks;

/// <summary>One seed of a <see cref="ValidationChoice"/>: the candidate kept (the lowest validation MAE) and its run.</summary>
public sealed record ValidatedRun(string Task, int Seed, string Kept, BenchmarkResult Run)
{
    public double TestMAE => Run.TestMAE;
    public double ValMAE => Run.ValMAE;
}
