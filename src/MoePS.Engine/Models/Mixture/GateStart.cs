namespace MoePS.Engine.Models.Mixture;

/// <summary>Where the gate's θ starts before training.</summary>
public enum GateStart
{
    /// <summary>The paper's: θ = 1 for every extractor, so the first k (by index) start active.</summary>
    Ones,

    /// <summary>
    /// From a relevance probe (<see cref="RelevanceProbe"/>): θ_i = 1 + ln(e_min / e_i), where e_i is the validation MAE of a
    /// ridge regression on extractor i's frozen crystal features; the k best-probed extractors start active, with softmax
    /// weights proportional to 1/e_i.
    /// </summary>
    Probe,
}
