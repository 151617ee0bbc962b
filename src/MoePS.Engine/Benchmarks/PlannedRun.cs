using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>One run a benchmark has to do (or skip, when its key is already in the result file).</summary>
public sealed record PlannedRun(string Task, LearningMethod Method, int Seed, BenchmarkHyperparameters Settings)
{
    public string ConfigHash => Settings.HashFor(Method);

    /// <summary>How the run's settings differ from the paper's recipe (<see cref="BenchmarkHyperparameters.Describe"/>).</summary>
    public string SettingsText => Settings.Describe(Method);

    public BenchmarkRunKey Key => new(Task, Method, Seed, ConfigHash);
}
