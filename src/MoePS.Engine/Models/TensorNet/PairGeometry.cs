using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// What TensorNet reads off the directed pairs of a batch: what every layer reads (<see cref="RadialPairs"/>) and, for
/// the embedding, the vector from the source atom to the target's image.
/// </summary>
public sealed record PairGeometry(RadialPairs Radial, Tensor Vector)
{
    /// <summary>
    /// Positions x = f·L per atom and image shifts n·L per pair, in the dtype of the batch, as MatGL's Potential
    /// computes them; then the pair vector x_target + n·L − x_source and its length r.
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
        return new PairGeometry(new RadialPairs(batch.Source, batch.Target, basis.Evaluate(distance), envelope), vector);
    }
}
