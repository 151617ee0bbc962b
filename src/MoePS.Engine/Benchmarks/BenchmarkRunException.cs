namespace MoePS.Engine.Benchmarks;

/// <summary>A benchmark run that failed; names its task, method and seed, with the cause inside.</summary>
public sealed class BenchmarkRunException : Exception
{
    public BenchmarkRunException(PlannedRun run, Exception inner)
        : base($"Benchmark run {run.Task} / {run.Method} / seed {run.Seed} failed: {inner.Message}", inner) => Run = run;

    public PlannedRun Run { get; }
}
