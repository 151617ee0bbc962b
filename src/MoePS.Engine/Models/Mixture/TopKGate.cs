using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The paper's input-independent sparse gate: θ ∈ R^m (initialised to ones),
/// G = Softmax(KeepTopK(θ, k)) where KeepTopK sets all but the k largest θ_i to −∞.
/// Ties in θ (as at initialisation) go to the lower extractor index, so the active set is deterministic.
/// </summary>
public sealed class TopKGate : nn.Module
{
    readonly Parameter theta;

    public TopKGate(int extractorCount, int topK) : base(nameof(TopKGate))
    {
        if (extractorCount < 1) throw new ArgumentException("A gate needs at least one extractor.", nameof(extractorCount));
        if (RangeProblem(topK, extractorCount) is { } problem) throw new ArgumentOutOfRangeException(nameof(topK), problem);
        ExtractorCount = extractorCount;
        TopK = topK;
        theta = new Parameter(ones(extractorCount, dtype: ScalarType.Float32));
        RegisterComponents();
    }

    /// <summary>Why k = <paramref name="topK"/> cannot gate <paramref name="extractorCount"/> extractors, or null when it can.</summary>
    public static string? RangeProblem(int topK, int extractorCount) =>
        topK >= 1 && topK <= extractorCount ? null : $"TopK must be between 1 and the number of extractors ({extractorCount}); got {topK}.";

    public int ExtractorCount { get; }
    public int TopK { get; }
    public Parameter Theta => theta;

    /// <summary>Sets θ before training (see <see cref="GateStart"/>); the paper's gate starts from ones.</summary>
    public void Start(IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != ExtractorCount)
            throw new ArgumentException($"The gate has {ExtractorCount} extractors; got {values.Count} starting values.", nameof(values));
        using var _ = no_grad();
        using var start = tensor(values.ToArray(), device: theta.device);
        theta.copy_(start);
    }

    /// <summary>Indices of the k extractors with the largest θ, in ascending index order.</summary>
    public int[] ActiveIndices()
    {
        using var scope = NewDisposeScope();
        float[] values = theta.detach().cpu().data<float>().ToArray();
        return Enumerable.Range(0, values.Length)
            .OrderByDescending(i => values[i]).ThenBy(i => i)
            .Take(TopK).OrderBy(i => i).ToArray();
    }

    /// <summary>G(θ, k): scores of all m extractors, exactly k non-zero, summing to 1. Differentiable in θ.</summary>
    public Tensor Scores() => Scores(ActiveIndices());

    /// <summary>G(θ, k) for a given active set (as returned by <see cref="ActiveIndices"/>).</summary>
    public Tensor Scores(int[] active)
    {
        using var scope = NewDisposeScope();
        var mask = full(ExtractorCount, HeldScalars.NegativeInfinityFloat, dtype: ScalarType.Float32, device: theta.device);
        using var idx = tensor(active.Select(i => (long)i).ToArray(), device: theta.device);
        mask.index_fill_(0, idx, HeldScalars.ZeroFloat);
        return softmax(theta.add(mask, HeldScalars.One), 0).MoveToOuterDisposeScope();
    }

    /// <summary>The paper's load regulariser λ(aᵀa − 1)² on the gate scores a.</summary>
    public static Tensor Regulariser(Tensor scores, double lambda)
    {
        using var weight = lambda.ToScalar();
        return scores.dot(scores).sub(HeldScalars.One).pow(HeldScalars.Two).mul(weight);
    }
}
