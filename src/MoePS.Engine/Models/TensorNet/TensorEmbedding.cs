using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static MoePS.Engine.Models.TensorNet.CartesianTensors;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// TensorNet's embedding block (MatGL's TensorEmbedding): each pair's unit vector as I, A and S tensors weighted by
/// radial projections and a learned function of both atoms' element embeddings, summed onto the pair's target atom,
/// then normalised and mixed per channel. Submodule names match the state_dict keys.
/// </summary>
public sealed class TensorEmbedding : Module
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly Linear distance_proj1, distance_proj2, distance_proj3;
    readonly Embedding emb;
    readonly Linear emb2;
    readonly ModuleList<Linear> linears_tensor;
    readonly ModuleList<Linear> linears_scalar;
    readonly LayerNorm init_norm;
#pragma warning restore IDE1006
    readonly int units;
    /// <summary>The shortest pair vector a unit vector is taken of (MatGL clamps its length at 1e-6).</summary>
    static readonly Scalar ShortestVector = 1e-6.ToScalar();

    public TensorEmbedding(int units, int radialFunctions, int elementTypes) : base(nameof(TensorEmbedding))
    {
        this.units = units;
        distance_proj1 = Linear(radialFunctions, units);
        distance_proj2 = Linear(radialFunctions, units);
        distance_proj3 = Linear(radialFunctions, units);
        emb = Embedding(elementTypes, units);
        emb2 = Linear(2 * units, units);
        linears_tensor = new ModuleList<Linear>(Enumerable.Range(0, 3).Select(_ => Linear(units, units, hasBias: false)).ToArray());
        linears_scalar = new ModuleList<Linear>(Linear(units, 2 * units), Linear(2 * units, 3 * units));
        init_norm = LayerNorm(units);
        RegisterComponents();
    }

    /// <summary>The initial node tensors X, [atoms, units, 3, 3].</summary>
    public Tensor Embed(Tensor types, PairGeometry pairs)
    {
        using var scope = NewDisposeScope();
        var x = emb.forward(types);
        var (source, target, basis) = (pairs.Radial.Source, pairs.Radial.Target, pairs.Radial.Basis);
        var envelope = pairs.Radial.Envelope.view(-1, 1);
        var w1 = distance_proj1.forward(basis) * envelope;
        var w2 = distance_proj2.forward(basis) * envelope;
        var w3 = distance_proj3.forward(basis) * envelope;
        var unit = pairs.Vector / pairs.Vector.norm(1, keepdim: true).clamp_min(ShortestVector);
        long count = unit.shape[0];
        var identity = eye(3, 3, dtype: unit.dtype, device: unit.device).expand(count, 1, 3, 3);
        var geometry = Components(identity, Skew(unit).unsqueeze(-3), SymmetricTraceless(unit).unsqueeze(-3));
        var radial = SpreadOverComponents(stack(new[] { w1, w2, w3 }, -1)) * geometry;
        var z = emb2.forward(cat(new[] { x.index_select(0, source), x.index_select(0, target) }, -1));
        long atoms = x.shape[0];
        var (scalar, skew, traceless) = FromComponents(SumOnto(target, z.unsqueeze(-1) * radial, atoms));

        var norm = init_norm.forward(SquaredNorm(Compose(scalar, skew, traceless)));
        scalar = MixChannels(linears_tensor[0], scalar);
        skew = MixChannels(linears_tensor[1], skew);
        traceless = MixChannels(linears_tensor[2], traceless);
        foreach (var linear in linears_scalar) norm = functional.silu(linear.forward(norm));
        norm = norm.reshape(atoms, units, 3);
        var result = Compose(Scale(norm.select(-1, 0), scalar), Scale(norm.select(-1, 1), skew), Scale(norm.select(-1, 2), traceless));
        return result.MoveToOuterDisposeScope();
    }
}
