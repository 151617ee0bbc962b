using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static MoePS.Engine.Runtime.HeldScalars;

namespace MoePS.Engine.Models;

/// <summary>
/// CGCNN's ConvLayer: z_ij = v_i ⊕ v_j ⊕ u_ij → fc_full → bn1 (over all atom-neighbour pairs) →
/// σ(filter) ⊙ softplus(core) → sum over neighbours → bn2 → softplus(v_i + ·).
/// Field names are the PyTorch state_dict names (fc_full, bn1, bn2).
/// </summary>
public sealed class CgcnnConvLayer : Module<Tensor, GraphBatch, Tensor>
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly Linear fc_full;
    readonly BatchNorm1d bn1;
    readonly BatchNorm1d bn2;
#pragma warning restore IDE1006
    readonly int atomLength, edgeLength;

    public CgcnnConvLayer(int atomFeatureLength, int edgeFeatureLength) : base(nameof(CgcnnConvLayer))
    {
        atomLength = atomFeatureLength;
        edgeLength = edgeFeatureLength;
        fc_full = Linear(2 * atomFeatureLength + edgeFeatureLength, 2 * atomFeatureLength);
        bn1 = BatchNorm1d(2 * atomFeatureLength);
        bn2 = BatchNorm1d(atomFeatureLength);
        RegisterComponents();
    }

    /// <summary>
    /// fc_full applied to v_i ⊕ v_j ⊕ u_ij equals W_self·v_i + W_nbr·v_j + W_edge·u_ij + b; projecting
    /// the atoms once and gathering the projected neighbours avoids building the [N, M, 169] concat.
    /// In eval mode without gradients a batch whose per-edge tensors would pass <see cref="AtomChunks.EdgeFloats"/> runs
    /// over ranges of atoms (<see cref="AtomChunks"/>): each atom's arithmetic is the same, and each range's per-edge
    /// tensors are freed before the next, so one crystal of 46,656 atoms needs MB instead of GB.
    /// </summary>
    public override Tensor forward(Tensor atoms, GraphBatch graph)
    {
        var ranges = training || is_grad_enabled() ? null : AtomChunks.Split(atoms.shape[0], graph.NeighbourIndex.shape[1] * 2 * atomLength);
        if (ranges is null)
        {
            var (selfPart, projectedNeighbours) = Project(atoms);
            return Update(atoms, selfPart, projectedNeighbours, graph.NeighbourIndex, graph.EdgeFeatures);
        }

        using var scope = NewDisposeScope();
        var (self, neighbours) = Project(atoms);
        var result = empty_like(atoms);
        foreach (var (start, length) in ranges)
        {
            using var rangeScope = NewDisposeScope();
            result.narrow(0, start, length).copy_(Update(atoms.narrow(0, start, length), self.narrow(0, start, length), neighbours,
                graph.NeighbourIndex.narrow(0, start, length), graph.EdgeFeatures.narrow(0, start, length)));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>W_self·v_i + b and W_nbr·v_j of every atom, [atoms, 2F] each.</summary>
    (Tensor Self, Tensor Neighbour) Project(Tensor atoms)
    {
        var w = fc_full.weight!;
        using var product = atoms.matmul(w.narrow(1, 0, atomLength).t()); // released once the bias is added
        return (product.add(fc_full.bias!, One), atoms.matmul(w.narrow(1, atomLength, atomLength).t()));
    }

    /// <summary>The layer's output for some atoms, [atoms, F].</summary>
    /// <param name="atoms">Their features entering the layer, [atoms, F].</param>
    /// <param name="selfPart">Their W_self·v_i + b, [atoms, 2F].</param>
    /// <param name="projectedNeighbours">W_nbr·v_j of every atom of the batch, [batch atoms, 2F].</param>
    /// <param name="neighbourIndex">Their neighbours (indices into the batch), [atoms, M].</param>
    /// <param name="edgeFeatures">Their edge features, [atoms, M, E].</param>
    Tensor Update(Tensor atoms, Tensor selfPart, Tensor projectedNeighbours, Tensor neighbourIndex, Tensor edgeFeatures)
    {
        long n = atoms.shape[0], m = neighbourIndex.shape[1];
        var w = fc_full.weight!;
        // W_nbr·v_j + W_edge·u_ij: the gathered rows are a new tensor that nothing saves, so the edge product is added into
        // it in place (addmm_, bit for bit the product then the sum) instead of into a third [N·M, 2F] tensor. The self part
        // is added out of place: in place on this [N, M, 2F] view, autograd would copy the whole gradient again (CopySlices).
        var z = projectedNeighbours.index_select(0, neighbourIndex.reshape(-1))
            .addmm_(edgeFeatures.reshape(n * m, edgeLength), w.narrow(1, 2 * atomLength, edgeLength).t());
        var gated = Normalise(bn1, z.view(n, m, 2 * atomLength).add(selfPart.unsqueeze(1), One).view(n * m, 2 * atomLength))
            .view(n, m, 2 * atomLength);
        var halves = gated.chunk(2, 2);
        var summed = (sigmoid(halves[0]) * HeldScalars.Softplus(halves[1])).sum(1);
        return HeldScalars.Softplus(atoms.add(Normalise(bn2, summed), One));
    }

    /// <summary>
    /// <paramref name="norm"/>'s forward pass, operation for operation as TorchSharp's BatchNorm.forward, whose training-mode
    /// <c>num_batches_tracked.add_(1)</c> would pass two temporary Scalars (see <see cref="HeldScalars"/>).
    /// </summary>
    static Tensor Normalise(BatchNorm1d norm, Tensor x)
    {
        double factor = norm.momentum ?? 0.0;
        if (norm.training && norm.track_running_stats && norm.num_batches_tracked is { } tracked)
        {
            tracked.add_(One, One);
            factor = norm.momentum ?? 1.0 / tracked.item<long>();
        }
        bool useBatch = norm.training || (norm.running_mean is null && norm.running_var is null);
        bool useRunning = !norm.training || norm.track_running_stats;
        return functional.batch_norm(x, useRunning ? norm.running_mean : null, useRunning ? norm.running_var : null,
            norm.weight, norm.bias, useBatch, factor, norm.eps);
    }
}
