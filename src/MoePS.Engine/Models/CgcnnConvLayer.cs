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
    /// The filter and core halves of the output (channels 0..F−1 and F..2F−1) are computed as two contiguous
    /// [N·M, F] tensors rather than one [N·M, 2F] tensor cut in two: σ and softplus then read contiguous memory, and
    /// backward needs no concatenation of their gradients; bn1 normalises each channel on its own, so running it on
    /// each half (with that half of its weights and running statistics) is the same arithmetic.
    /// In eval mode without gradients a batch whose per-edge tensors would pass <see cref="AtomChunks.EdgeFloats"/> runs
    /// over ranges of atoms (<see cref="AtomChunks"/>): each atom's arithmetic is the same, and each range's per-edge
    /// tensors are freed before the next, so one crystal of 46,656 atoms needs MB instead of GB.
    /// </summary>
    public override Tensor forward(Tensor atoms, GraphBatch graph)
    {
        var ranges = training || is_grad_enabled() ? null : AtomChunks.Split(atoms.shape[0], graph.NeighbourIndex.shape[1] * 2 * atomLength);
        var momentum = (StepBatchCount(bn1), StepBatchCount(bn2));
        if (ranges is null)
        {
            var projected = Project(atoms);
            return Update(atoms, projected, 0, atoms.shape[0], graph.NeighbourIndex, graph.EdgeFeatures, momentum);
        }

        using var scope = NewDisposeScope();
        var all = Project(atoms);
        var result = empty_like(atoms);
        foreach (var (start, length) in ranges)
        {
            using var rangeScope = NewDisposeScope();
            result.narrow(0, start, length).copy_(Update(atoms.narrow(0, start, length), all, start, length,
                graph.NeighbourIndex.narrow(0, start, length), graph.EdgeFeatures.narrow(0, start, length), momentum));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// W_self·v_i + b and W_nbr·v_j of every atom for the filter half (index 0) and the core half (1) of the output,
    /// [atoms, F] each and contiguous.
    /// </summary>
    (Tensor[] Self, Tensor[] Neighbour) Project(Tensor atoms)
    {
        var w = fc_full.weight!;
        var self = new Tensor[2];
        var neighbour = new Tensor[2];
        for (int h = 0; h < 2; h++)
        {
            var rows = w.narrow(0, h * atomLength, atomLength);
            using var product = atoms.matmul(rows.narrow(1, 0, atomLength).t()); // released once the bias is added
            self[h] = product.add(fc_full.bias!.narrow(0, h * atomLength, atomLength), One);
            neighbour[h] = atoms.matmul(rows.narrow(1, atomLength, atomLength).t());
        }
        return (self, neighbour);
    }

    /// <summary>The layer's output for some atoms, [atoms, F].</summary>
    /// <param name="atoms">Their features entering the layer, [atoms, F].</param>
    /// <param name="projected">W_self·v_i + b and W_nbr·v_j of every atom of the batch, per half (<see cref="Project"/>).</param>
    /// <param name="start">The first of these atoms in the batch.</param>
    /// <param name="count">How many atoms.</param>
    /// <param name="neighbourIndex">Their neighbours (indices into the batch), [atoms, M].</param>
    /// <param name="edgeFeatures">Their edge features, [atoms, M, E].</param>
    /// <param name="momentum">bn1's and bn2's momentum for this pass (<see cref="StepBatchCount"/>).</param>
    Tensor Update(Tensor atoms, (Tensor[] Self, Tensor[] Neighbour) projected, long start, long count, Tensor neighbourIndex,
        Tensor edgeFeatures, (double Bn1, double Bn2) momentum)
    {
        long n = count, m = neighbourIndex.shape[1];
        int f = atomLength;
        var w = fc_full.weight!;
        var flatIndex = neighbourIndex.reshape(-1);
        var edges = edgeFeatures.reshape(n * m, edgeLength);
        var halves = new Tensor[2];
        for (int h = 0; h < 2; h++)
        {
            // (W_nbr·v_j + W_edge·u_ij) + (W_self·v_i + b): the gathered rows are a new tensor that nothing saves, so the edge
            // product is added into it in place. The self part is added out of place: an in-place op on a view (the [N, M, F]
            // shape its broadcast needs) would make autograd copy the whole gradient again (CopySlices).
            var z = projected.Neighbour[h].index_select(0, flatIndex)
                .addmm_(edges, w.narrow(0, h * f, f).narrow(1, 2 * f, edgeLength).t())
                .view(n, m, f).add(projected.Self[h].narrow(0, start, n).unsqueeze(1), One).view(n * m, f);
            halves[h] = Normalise(bn1, z, h * f, f, momentum.Bn1);
        }
        // σ(filter) in place of the normalised filter (batch_norm's backward reads its input, not its output).
        var summed = halves[0].sigmoid_().mul(HeldScalars.Softplus(halves[1])).view(n, m, f).sum(1);
        return HeldScalars.Softplus(atoms.add(Normalise(bn2, summed, 0, f, momentum.Bn2), One));
    }

    /// <summary>
    /// In training mode with running statistics, counts one more batch in <paramref name="norm"/>'s
    /// <c>num_batches_tracked</c> (as TorchSharp's BatchNorm.forward does, with a held Scalar; see <see cref="HeldScalars"/>) and
    /// returns the momentum of this pass: the norm's own, or 1/batches for a cumulative average (momentum null).
    /// </summary>
    static double StepBatchCount(BatchNorm1d norm)
    {
        double factor = norm.momentum ?? 0.0;
        if (norm.training && norm.track_running_stats && norm.num_batches_tracked is { } tracked)
        {
            tracked.add_(One, One);
            factor = norm.momentum ?? 1.0 / tracked.item<long>();
        }
        return factor;
    }

    /// <summary>
    /// <paramref name="norm"/>'s forward pass on channels <paramref name="first"/> … first + count − 1 of it, operation for
    /// operation as TorchSharp's BatchNorm.forward (whose <c>num_batches_tracked</c> step is <see cref="StepBatchCount"/>):
    /// each channel is normalised on its own, so the weights and running statistics of those channels are all it uses and
    /// updates (narrowed views of the norm's tensors).
    /// </summary>
    static Tensor Normalise(BatchNorm1d norm, Tensor x, int first, int count, double momentum)
    {
        bool useBatch = norm.training || (norm.running_mean is null && norm.running_var is null);
        bool useRunning = !norm.training || norm.track_running_stats;
        return functional.batch_norm(x, useRunning ? Channels(norm.running_mean, first, count) : null,
            useRunning ? Channels(norm.running_var, first, count) : null, Channels(norm.weight, first, count),
            Channels(norm.bias, first, count), useBatch, momentum, norm.eps);
    }

    static Tensor? Channels(Tensor? t, int first, int count) => t is null || (first == 0 && count == t.shape[0]) ? t : t.narrow(0, first, count);
}
