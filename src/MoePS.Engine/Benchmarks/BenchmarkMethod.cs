namespace MoePS.Engine.Benchmarks;

/// <summary>The benchmark's method names and what each implies for the model.</summary>
public static class BenchmarkMethod
{
    public const string STL = "STL";
    public const string TL = "TL";
    public const string MoE = "MoE";
    public const string Ensemble = "Ensemble";
    public const string Concat = "Concat";

    /// <summary>In display order: the paper's three, then the aggregation variants of Table 1.</summary>
    public static readonly IReadOnlyList<string> All = new[] { STL, TL, MoE, Ensemble, Concat };

    /// <summary>The canonical spelling of a method name (case-insensitive), or null when unknown.</summary>
    public static string? Normalise(string name) =>
        All.FirstOrDefault(m => string.Equals(m, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>True for the methods that train a gated mixture.</summary>
    public static bool IsMixture(string method) => method is MoE or Ensemble or Concat;

    /// <summary>The aggregation a mixture method uses: MoE adds, the others are named after theirs.</summary>
    public static string? AggregationOf(string method) => method switch
    {
        MoE => "Add",
        Ensemble => "Ensemble",
        Concat => "Concat",
        _ => null,
    };

    /// <summary>The method a mixture with <paramref name="aggregation"/> is reported as.</summary>
    public static string ForAggregation(string aggregation) => aggregation.ToLowerInvariant() switch
    {
        "add" => MoE,
        "ensemble" => Ensemble,
        "concat" => Concat,
        _ => throw new ArgumentException($"Unknown aggregation '{aggregation}'; use Add, Concat or Ensemble."),
    };

    /// <summary>Sort position for reports: known methods in <see cref="All"/> order, others after.</summary>
    public static int Order(string method)
    {
        int i = All.ToList().IndexOf(method);
        return i < 0 ? All.Count : i;
    }
}
