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
}
