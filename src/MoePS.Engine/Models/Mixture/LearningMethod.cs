using System.Text.Json.Serialization;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// How a model learns its task, in the names the paper compares (Chang, Wang &amp; Ertekin, npj Comput.
/// Mater. 8, 242 (2022), Table 3: STL, TL, MoE; Table 1: the aggregation variants). The declaration
/// order is the display order of summaries and reports; the names are what result files hold.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningMethod>))]
public enum LearningMethod
{
    /// <summary>Single-task learning: a CGCNN trained from scratch.</summary>
    STL,
    /// <summary>Transfer learning: a mixture of one pre-trained extractor.</summary>
    TL,
    /// <summary>Mixture of experts: gated extractors, features added (the paper's choice).</summary>
    MoE,
    /// <summary>A gated mixture whose extractors each have a head, predictions weighted by the gate.</summary>
    Ensemble,
    /// <summary>A gated mixture whose extractor features are concatenated.</summary>
    Concat,
    /// <summary>The paper code's ensemble (<see cref="Aggregation.PaperEnsemble"/>): a head per extractor, softmax weights, every extractor, no regulariser.</summary>
    PaperEnsemble,
    /// <summary>The paper code's concatenation (<see cref="Aggregation.PaperConcat"/>): raw learnable scales, every extractor, no regulariser.</summary>
    PaperConcat,
}

/// <summary>What a <see cref="LearningMethod"/> implies for the model it trains.</summary>
public static class LearningMethods
{
    /// <summary>
    /// The methods that train a gated mixture of several extractors, each with its aggregation: the one mapping between the
    /// two enums (TL is a one-extractor <see cref="Aggregation.Add"/>).
    /// </summary>
    static readonly (LearningMethod Method, Aggregation Aggregation)[] Mixtures =
    {
        (LearningMethod.MoE, Aggregation.Add),
        (LearningMethod.Ensemble, Aggregation.Ensemble),
        (LearningMethod.Concat, Aggregation.Concat),
        (LearningMethod.PaperEnsemble, Aggregation.PaperEnsemble),
        (LearningMethod.PaperConcat, Aggregation.PaperConcat),
    };

    /// <summary>True for the methods that train a gated mixture of several extractors.</summary>
    public static bool IsMixture(this LearningMethod method) => Mixtures.Any(m => m.Method == method);

    /// <summary>The aggregation of the mixture a method trains (TL: a one-extractor Add); null for STL.</summary>
    public static Aggregation? AggregationOf(this LearningMethod method) =>
        method == LearningMethod.TL ? Aggregation.Add
        : Mixtures.Where(m => m.Method == method).Select(m => (Aggregation?)m.Aggregation).FirstOrDefault();

    /// <summary>The method a mixture of several extractors with <paramref name="aggregation"/> is reported as.</summary>
    public static LearningMethod ForAggregation(Aggregation aggregation) =>
        Mixtures.Where(m => m.Aggregation == aggregation).Select(m => (LearningMethod?)m.Method).FirstOrDefault()
        ?? throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown aggregation.");

    /// <summary>The method a mixture of <paramref name="extractorCount"/> extractors is: TL for one, else by its aggregation.</summary>
    public static LearningMethod ForMixture(int extractorCount, Aggregation aggregation) =>
        extractorCount == 1 ? LearningMethod.TL : ForAggregation(aggregation);
}
