using MoePS.Engine.Models.GatedMessages;
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
public sealed class CgcnnConvLayer : Module<Tensor, GraphBatch, Tensor>, IFusedMessageLayer
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly Linear fc_full;
    readonly BatchNorm1d bn1;
    readonly BatchNorm1d bn2;
#pragma warning restore IDE1006
    readonly int atomLength, edgeLength;
    readonly GatedMessageWorkspace messageRows = new();

    public CgcnnConvLayer(int atomFeatureLength, int edgeFeatureLength) : base(nameof(CgcnnConvLayer))
    {
        atomLength = atomFeatureLength;
        edgeLength = edgeFeatureLength;
        fc_full = Linear(2 * atomFeatureLength + edgeFeatureLength, 2 * atomFeatureLength);
        bn1 = BatchNorm1d(2 * atomFeatureLength);
        bn2 = BatchNorm1d(atomFeatureLength);
        RegisterComponents();
    }

    GatedMessageWorkspace IFusedMessageLayer.Workspace => messageRows;

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
        var shape = new GatedMessageShape(n, (int)m, 1, atomLength);
        var summed = bn1.training && GatedMessageSum.Fuses(edgeFeatures, shape)
            ? FusedMessages(selfPart, projectedNeighbours, neighbourIndex, edgeFeatures, shape)
            : Messages(selfPart, projectedNeighbours, neighbourIndex, edgeFeatures);
        return HeldScalars.Softplus(atoms.add(Normalise(bn2, summed), One));
    }

    /// <summary>Σ_j σ(filter)·softplus(core) per atom, [atoms, F], in libtorch's operations (bn1 in its mode).</summary>
    Tensor Messages(Tensor selfPart, Tensor projectedNeighbours, Tensor neighbourIndex, Tensor edgeFeatures)
    {
        long n = selfPart.shape[0], m = neighbourIndex.shape[1];
        var w = fc_full.weight!;
        // W_nbr·v_j + W_edge·u_ij: the gathered rows are a new tensor that nothing saves, so the edge product is added into
        // it in place (addmm_, bit for bit the product then the sum) instead of into a third [N·M, 2F] tensor. The self part
        // is added out of place: in place on this [N, M, 2F] view, autograd would copy the whole gradient again (CopySlices).
        var z = projectedNeighbours.index_select(0, neighbourIndex.reshape(-1))
            .addmm_(edgeFeatures.reshape(n * m, edgeLength), w.narrow(1, 2 * atomLength, edgeLength).t());
        var gated = Normalise(bn1, z.view(n, m, 2 * atomLength).add(selfPart.unsqueeze(1), One).view(n * m, 2 * atomLength))
            .view(n, m, 2 * atomLength);
        var halves = gated.chunk(2, 2);
        return (sigmoid(halves[0]) * HeldScalars.Softplus(halves[1])).sum(1);
    }

    /// <summary>The same sums in training mode as one fused operation (<see cref="GatedMessageSum"/>); bn1's running statistics follow.</summary>
    Tensor FusedMessages(Tensor selfPart, Tensor projectedNeighbours, Tensor neighbourIndex, Tensor edgeFeatures, GatedMessageShape shape)
    {
        var (summed, mean, variance) = GatedMessageSum.Apply(edgeFeatures.reshape(shape.Rows, edgeLength),
            fc_full.weight!.narrow(1, 2 * atomLength, edgeLength).t(), projectedNeighbours, neighbourIndex.reshape(-1), selfPart,
            bn1.weight!, bn1.bias!, shape, bn1.eps, messageRows);
        double momentum = CountBatch(bn1);
        if (bn1.track_running_stats && bn1.running_mean is { } runningMean && bn1.running_var is { } runningVariance)
            GatedMessageSum.UpdateRunning(runningMean, runningVariance, mean, variance, momentum);
        return summed;
    }

    /// <summary>
    /// Counts a training batch in <paramref name="norm"/>'s <c>num_batches_tracked</c> and returns the weight of its statistics
    /// in the running ones (the momentum, or 1/batches for a cumulative average), as TorchSharp's BatchNorm.forward does.
    /// </summary>
    static double CountBatch(BatchNorm1d norm)
    {
        if (!norm.track_running_stats || norm.num_batches_tracked is not { } tracked) return norm.momentum ?? 0.0;
        tracked.add_(One, One);
        return norm.momentum ?? 1.0 / tracked.item<long>();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) messageRows.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>
    /// <paramref name="norm"/>'s forward pass, operation for operation as TorchSharp's BatchNorm.forward, whose training-mode
    /// <c>num_batches_tracked.add_(1)</c> would pass two temporary Scalars (see <see cref="HeldScalars"/>).
    /// </summary>
    static Tensor Normalise(BatchNorm1d norm, Tensor x)
    {
        double factor = norm.training ? CountBatch(norm) : norm.momentum ?? 0.0;
        bool useBatch = norm.training || (norm.running_mean is null && norm.running_var is null);
        bool useRunning = !norm.training || norm.track_running_stats;
        return functional.batch_norm(x, useRunning ? norm.running_mean : null, useRunning ? norm.running_var : null,
            norm.weight, norm.bias, useBatch, factor, norm.eps);
    }
}
