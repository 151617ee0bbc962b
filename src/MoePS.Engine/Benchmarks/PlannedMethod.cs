using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>A method of a plan with its effective settings (plan-wide ones plus its own overrides).</summary>
public sealed record PlannedMethod(LearningMethod Method, BenchmarkHyperparameters Settings)
{
    /// <summary>
    /// A method with its settings, as the method is reported: MoE with <paramref name="aggregation"/>
    /// Concat or Ensemble becomes that method, and a mixture's settings carry the aggregation it
    /// implies. Throws when the two contradict each other.
    /// </summary>
    public static PlannedMethod Create(LearningMethod method, BenchmarkHyperparameters settings, Aggregation? aggregation = null)
    {
        if (!method.IsMixture()) return new PlannedMethod(method, settings);
        if (aggregation is Aggregation given)
        {
            var implied = LearningMethods.ForAggregation(given);
            if (method == LearningMethod.MoE) method = implied;
            else if (implied != method)
                throw new ArgumentException($"Method {method} contradicts aggregation '{given}'; use method MoE with that aggregation instead.", nameof(aggregation));
        }
        var mixture = method.AggregationOf()!.Value;
        if (settings.TopK is int k)
        {
            // Against the listed extractors, if any; a plan names no k for the paper code's forms, not even all of them.
            var problem = (settings.Extractors.Count > 0 ? TopKGate.RangeProblem(k, settings.Extractors.Count) : null)
                ?? mixture.TopKProblem(k, extractorCount: null);
            if (problem != null) throw new ArgumentException(problem, nameof(settings));
        }
        return new PlannedMethod(method, settings with { Aggregation = mixture });
    }

    public override string ToString() => Settings.TopK is int k ? $"{Method} (k={k})" : Method.ToString();
}
