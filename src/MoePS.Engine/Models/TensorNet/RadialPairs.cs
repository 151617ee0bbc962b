using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// What an interaction layer reads off the directed pairs of a batch: the pair's atoms, the radial basis of its length
/// and the cosine envelope 0.5·(cos(πr/r_c) + 1).
/// </summary>
public sealed record RadialPairs(Tensor Source, Tensor Target, Tensor Basis, Tensor Envelope)
{
    public IEnumerable<Tensor> Tensors => new[] { Source, Target, Basis, Envelope };

    /// <summary>Each tensor through <paramref name="map"/> (a copy to a device, say).</summary>
    public RadialPairs Map(Func<Tensor, Tensor> map) => new(map(Source), map(Target), map(Basis), map(Envelope));

    /// <summary>
    /// The pairs of several crystals as one batch, their atoms one crystal after another: each part's atom indices
    /// shifted by the atoms of the parts before it (<paramref name="atomCounts"/>).
    /// </summary>
    public static RadialPairs Joined(IReadOnlyList<RadialPairs> parts, IReadOnlyList<int> atomCounts)
    {
        long first = 0;
        var source = new Tensor[parts.Count];
        var target = new Tensor[parts.Count];
        for (int i = 0; i < parts.Count; i++)
        {
            using Scalar shift = first;
            source[i] = parts[i].Source.add(shift);
            target[i] = parts[i].Target.add(shift);
            first += atomCounts[i];
        }
        return new RadialPairs(cat(source, 0), cat(target, 0), cat(parts.Select(p => p.Basis).ToArray(), 0),
            cat(parts.Select(p => p.Envelope).ToArray(), 0));
    }
}
