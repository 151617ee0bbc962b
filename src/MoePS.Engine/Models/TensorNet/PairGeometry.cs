using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// What TensorNet's layers read off the directed pairs of a batch: the pair's atoms, the vector from source to the
/// target's image and its length, the radial basis and the cosine envelope 0.5·(cos(πr/r_c) + 1).
/// </summary>
public sealed record PairGeometry(Tensor Source, Tensor Target, Tensor Vector, Tensor Distance, Tensor Basis, Tensor Envelope)
{
    /// <summary>
    /// Positions x = f·L per atom and image shifts n·L per pair, in the dtype of the batch, as MatGL's Potential
    /// computes them; then the pair vector x_target + n·L − x_source.
    /// </summary>
    public static PairGeometry Of(TensorNetBatch batch, SmoothSphericalBessel basis, double cutoff)
    {
        var positions = (batch.Fractional.unsqueeze(-1) * batch.LatticeOfAtom).sum(1);
        var shifts = (batch.Images.unsqueeze(-1) * batch.LatticeOfPair).sum(1);
        var vector = positions.index_select(0, batch.Target).add(shifts, HeldScalars.One).sub(positions.index_select(0, batch.Source));
        var distance = vector.norm(1);
        using Scalar pi = Math.PI.ToScalar(), limit = cutoff.ToScalar();
        var cosine = distance.mul(pi).div(limit).cos();
        var envelope = where(distance.le(limit), CartesianTensors.PlusOne(cosine).mul(HeldScalars.Half), zeros_like(distance));
        return new PairGeometry(batch.Source, batch.Target, vector, distance, basis.Evaluate(distance), envelope);
    }
}
