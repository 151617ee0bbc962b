namespace MoePS.Engine.Models.Mixture;

/// <summary>How the gated extractor features become one prediction (the paper's Table 1).</summary>
public enum Aggregation
{
    /// <summary>f = Σ G_i E_i(x), one head (the paper's choice; feature size independent of m).</summary>
    Add,
    /// <summary>f = [G_1 E_1(x), …, G_m E_m(x)], one head over the concatenation.</summary>
    Concat,
    /// <summary>One head per extractor; predictions combined with the gate scores as weights.</summary>
    Ensemble,
    /// <summary>
    /// The paper code's concatenation (rees-c/MoE, moe/model.py, option 'concat'): f = [s_1 E_1(x), …, s_m E_m(x)] with raw
    /// learnable scales s = θ (initialised to 1: no softmax, no top-k), one head; no gate regulariser.
    /// </summary>
    PaperConcat,
    /// <summary>
    /// The paper code's ensemble (option 'ensemble'): one head per extractor, predictions weighted by Softmax(θ) over all
    /// extractors (θ initialised to 1, no top-k); no gate regulariser.
    /// </summary>
    PaperEnsemble,
}

/// <summary>What an <see cref="Aggregation"/> implies for the gate.</summary>
public static class Aggregations
{
    /// <summary>False for the paper code's forms, which use every extractor: TopK must be all of them.</summary>
    public static bool HasTopK(this Aggregation aggregation) => aggregation is Aggregation.Add or Aggregation.Concat or Aggregation.Ensemble;

    /// <summary>
    /// Why k = <paramref name="topK"/> does not fit a mixture of this aggregation and <paramref name="extractorCount"/> extractors,
    /// or null when it does: k must gate that many (when known), and the paper code's forms use every extractor, so they take
    /// no k other than all of them (none at all when the count is not known).
    /// </summary>
    public static string? TopKProblem(this Aggregation aggregation, int topK, int? extractorCount)
    {
        if (extractorCount is int count && TopKGate.RangeProblem(topK, count) is { } range) return range;
        return aggregation.HasTopK() || topK == extractorCount ? null
            : $"{aggregation} uses every extractor (the paper's code has no top-k there), so TopK must be unset" +
              (extractorCount is int all ? $" or {all}" : "") + $"; got {topK}.";
    }

    /// <summary>Whether training adds the gate regulariser λ(aᵀa − 1)² (the paper code's Concat and Ensemble do not).</summary>
    public static bool UsesGateRegulariser(this Aggregation aggregation) => aggregation.HasTopK();

    /// <summary>
    /// The aggregation of the paper's Table 1 this one is a form of: the paper code made its Concat and Ensemble as
    /// <see cref="Aggregation.PaperConcat"/> and <see cref="Aggregation.PaperEnsemble"/> do.
    /// </summary>
    public static Aggregation AsInPaperTable(this Aggregation aggregation) => aggregation switch
    {
        Aggregation.PaperConcat => Aggregation.Concat,
        Aggregation.PaperEnsemble => Aggregation.Ensemble,
        _ => aggregation,
    };

    /// <summary>Whether the extractor features feed one head over their concatenation.</summary>
    public static bool IsConcatenation(this Aggregation aggregation) => aggregation is Aggregation.Concat or Aggregation.PaperConcat;

    /// <summary>Whether every extractor has its own head.</summary>
    public static bool IsEnsemble(this Aggregation aggregation) => aggregation is Aggregation.Ensemble or Aggregation.PaperEnsemble;
}
