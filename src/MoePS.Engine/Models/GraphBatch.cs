using static TorchSharp.torch;

namespace MoePS.Engine.Models;

/// <summary>
/// Some crystals of a <see cref="GraphTensorSet"/>, ready for a CGCNN forward pass: atoms of the
/// chosen crystals stacked, neighbour indices renumbered into this batch.
/// </summary>
public sealed class GraphBatch : IDisposable
{
    internal GraphBatch(Tensor atomFeatures, Tensor neighbourIndex, Tensor edgeFeatures, Tensor crystalOfAtom,
        Tensor atomCounts, Tensor atomIndex, int crystalCount)
    {
        AtomFeatures = atomFeatures;
        NeighbourIndex = neighbourIndex;
        EdgeFeatures = edgeFeatures;
        CrystalOfAtom = crystalOfAtom;
        AtomCounts = atomCounts;
        AtomIndex = atomIndex;
        CrystalCount = crystalCount;
    }

    /// <summary>[atoms, element features] float32.</summary>
    public Tensor AtomFeatures { get; }
    /// <summary>[atoms, max neighbours] int64, indices into this batch's atoms.</summary>
    public Tensor NeighbourIndex { get; }
    /// <summary>[atoms, max neighbours, Gaussians] float32.</summary>
    public Tensor EdgeFeatures { get; }
    /// <summary>[atoms] int64: position (0..CrystalCount−1) of each atom's crystal in the batch.</summary>
    public Tensor CrystalOfAtom { get; }
    /// <summary>[crystals] float32: atoms per crystal.</summary>
    public Tensor AtomCounts { get; }
    /// <summary>[atoms] int64: each atom's index in the whole set, for per-atom caches (e.g. frozen features).</summary>
    public Tensor AtomIndex { get; }
    public int CrystalCount { get; }

    public void Dispose()
    {
        AtomFeatures.Dispose();
        NeighbourIndex.Dispose();
        EdgeFeatures.Dispose();
        CrystalOfAtom.Dispose();
        AtomCounts.Dispose();
        AtomIndex.Dispose();
    }
}
