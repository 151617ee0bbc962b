using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>What makes two runs the same run: a rerun with an equal key is skipped.</summary>
public readonly record struct BenchmarkRunKey(string Task, LearningMethod Method, int Seed, string ConfigHash)
{
    public override string ToString() => $"{Task}/{Method}/seed{Seed}/{ConfigHash}";
}
