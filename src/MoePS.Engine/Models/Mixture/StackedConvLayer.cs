using TorchSharp;
using TorchSharp.Modules;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;
using static MoePS.Engine.Runtime.HeldScalars;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The same CGCNN convolution layer of m extractors, stacked so that the active ones run as a
/// few batched matrix products and fused kernels instead of m small ones. The Linear(2F+E → 2F) on
/// z_ij = v_i ⊕ v_j ⊕ u_ij is split into its three blocks: W_self·v_i and W_nbr·v_j are computed
/// once per atom (not once per edge) and gathered, W_edge·u_ij once per edge, which is about a
/// third of the arithmetic of the concatenated form. BatchNorm is computed per extractor and
/// channel with PyTorch's own batch_norm kernel.
/// </summary>
public sealed class StackedConvLayer : nn.Module, IFusedMessageLayer
{
    const double Eps = 1e-5;

    /// <summary>PyTorch's BatchNorm momentum: the weight of a training batch's statistics in the running ones.</summary>
    public const double DefaultMomentum = 0.1;

#pragma warning disable IDE1006 // the state_dict names, which saved mixtures hold
    readonly Parameter w_self, w_nbr, w_edge, bias, bn1_weight, bn1_bias, bn2_weight, bn2_bias;
    readonly Tensor bn1_running_mean, bn1_running_var, bn2_running_mean, bn2_running_var;
#pragma warning restore IDE1006
    readonly int[] passes;
    readonly GatedMessageWorkspace messageRows = new();

    public StackedConvLayer(IReadOnlyList<ConvLayerWeights> layers) : base(nameof(StackedConvLayer))
    {
        if (layers.Count == 0) throw new ArgumentException("No layers to stack.", nameof(layers));
        int f = layers[0].AtomFeatureLength, e = layers[0].EdgeFeatureLength;
        if (layers.Any(l => l.AtomFeatureLength != f || l.EdgeFeatureLength != e))
            throw new ArgumentException("Stacked convolution layers must share atom and edge feature sizes.", nameof(layers));
        AtomFeatureLength = f;
        EdgeFeatureLength = e;
        Count = layers.Count;
        passes = new int[layers.Count];

        using (no_grad())
        {
            var fc = stack(layers.Select(l => l.FcWeight.to(ScalarType.Float32)).ToArray());
            w_self = new Parameter(fc[.., .., ..f].contiguous());
            w_nbr = new Parameter(fc[.., .., f..(2 * f)].contiguous());
            w_edge = new Parameter(fc[.., .., (2 * f)..].contiguous());
            bias = new Parameter(stack(layers.Select(l => l.FcBias).ToArray()).to(ScalarType.Float32));
            bn1_weight = new Parameter(stack(layers.Select(l => l.Bn1Weight).ToArray()).to(ScalarType.Float32));
            bn1_bias = new Parameter(stack(layers.Select(l => l.Bn1Bias).ToArray()).to(ScalarType.Float32));
            bn2_weight = new Parameter(stack(layers.Select(l => l.Bn2Weight).ToArray()).to(ScalarType.Float32));
            bn2_bias = new Parameter(stack(layers.Select(l => l.Bn2Bias).ToArray()).to(ScalarType.Float32));
            bn1_running_mean = stack(layers.Select(l => l.Bn1RunningMean).ToArray()).to(ScalarType.Float32);
            bn1_running_var = stack(layers.Select(l => l.Bn1RunningVar).ToArray()).to(ScalarType.Float32);
            bn2_running_mean = stack(layers.Select(l => l.Bn2RunningMean).ToArray()).to(ScalarType.Float32);
            bn2_running_var = stack(layers.Select(l => l.Bn2RunningVar).ToArray()).to(ScalarType.Float32);
        }
        RegisterComponents();
    }

    public int Count { get; }
    public int AtomFeatureLength { get; }
    public int EdgeFeatureLength { get; }

    GatedMessageWorkspace IFusedMessageLayer.Workspace => messageRows;

    /// <summary>How many forward passes have run each stacked layer (a mixture must run only its active extractors).</summary>
    internal IReadOnlyList<int> Passes => passes;

    /// <summary>
    /// Runs the layer for the selected extractors. Tensors keep extractors next to features
    /// ([rows, k, C]) so the edge projection is one matrix product and both BatchNorms run as
    /// single fused batch_norm calls over k·C channels.
    /// </summary>
    /// <param name="selected">Which stacked layers to run (k indices into 0..m−1).</param>
    /// <param name="atoms">Atom features entering the layer, [atoms, k, F] (column i is extractor selected[i]).</param>
    /// <param name="neighbours">Neighbour atom index per atom and slot, [atoms, M] (long).</param>
    /// <param name="edges">Edge features, [atoms·M, E].</param>
    /// <returns>Atom features after the layer, [atoms, k, F].</returns>
    public Tensor Forward(int[] selected, Tensor atoms, Tensor neighbours, Tensor edges) =>
        Forward(selected, atoms, neighbours, edges, DefaultMomentum);

    /// <inheritdoc cref="Forward(int[], Tensor, Tensor, Tensor)"/>
    /// <param name="momentum">
    /// Weight of this batch's statistics in the running ones (training mode only); 1/b for the b-th batch after
    /// <see cref="ResetRunningStatistics"/> gives PyTorch's cumulative average (momentum=None).
    /// </param>
    internal Tensor Forward(int[] selected, Tensor atoms, Tensor neighbours, Tensor edges, double momentum)
    {
        foreach (int i in selected) passes[i]++;
        using var scope = NewDisposeScope();
        return Run(tensor(selected.Select(i => (long)i).ToArray(), device: atoms.device), atoms, neighbours, edges, momentum)
            .MoveToOuterDisposeScope();
    }

    /// <summary>A batch's edge features in the layout <see cref="Forward(int[], Tensor, Tensor, Tensor)"/> takes, [atoms·M, E].</summary>
    internal static Tensor EdgesOf(GraphBatch batch) =>
        batch.EdgeFeatures.reshape(batch.AtomIndex.shape[0] * batch.NeighbourIndex.shape[1], -1);

    /// <summary>Running statistics of every stacked layer back to PyTorch's initial ones (mean 0, variance 1).</summary>
    internal void ResetRunningStatistics()
    {
        using var _ = no_grad();
        bn1_running_mean.zero_();
        bn2_running_mean.zero_();
        bn1_running_var.fill_(One);
        bn2_running_var.fill_(One);
    }

    /// <summary>
    /// The layer on [atoms, k, F]. In eval mode without gradients, a batch whose per-edge tensors would pass
    /// <see cref="AtomChunks.EdgeFloats"/> runs over ranges of atoms (<see cref="AtomChunks"/>), each atom's arithmetic
    /// unchanged and each range's per-edge tensors freed before the next.
    /// </summary>
    Tensor Run(Tensor selected, Tensor atoms, Tensor neighbours, Tensor edges, double momentum)
    {
        long n = atoms.shape[0], k = atoms.shape[1], m = neighbours.shape[1];
        int f = AtomFeatureLength;

        // v_i and v_j projections per extractor: [k, n, F] × [k, F, 2F] → [n, k, 2F].
        // The products are released as soon as they are rearranged (autograd keeps what it needs): a huge crystal's are large.
        var atomsByExtractor = atoms.transpose(0, 1);
        Tensor self, nbr;
        using (var product = matmul(atomsByExtractor, w_self.index_select(0, selected).transpose(1, 2)))
            self = product.transpose(0, 1).add(bias.index_select(0, selected), One);
        using (var product = matmul(atomsByExtractor, w_nbr.index_select(0, selected).transpose(1, 2)))
            nbr = product.transpose(0, 1).reshape(n, k * 2 * f);
        // u_ij projection of all k extractors at once: [n·M, E] × [E, k·2F].
        var edgeWeights = w_edge.index_select(0, selected).permute(2, 0, 1).reshape(EdgeFeatureLength, k * 2 * f);
        var ranges = training || is_grad_enabled() ? null : AtomChunks.Split(n, m * k * 2 * f);
        if (ranges is null) return Update(selected, atoms, self, nbr, neighbours, edges, edgeWeights, momentum);

        var result = empty_like(atoms);
        foreach (var (start, length) in ranges)
        {
            using var rangeScope = NewDisposeScope();
            result.narrow(0, start, length).copy_(Update(selected, atoms.narrow(0, start, length), self.narrow(0, start, length), nbr,
                neighbours.narrow(0, start, length), edges.narrow(0, start * m, length * m), edgeWeights, momentum));
        }
        return result;
    }

    /// <summary>The layer's output for some atoms, [atoms, k, F].</summary>
    /// <param name="selected">The stacked layers that run (k).</param>
    /// <param name="atoms">Their features entering the layer, [atoms, k, F].</param>
    /// <param name="self">Their W_self·v_i + b, [atoms, k, 2F].</param>
    /// <param name="nbr">W_nbr·v_j of every atom of the batch, [batch atoms, k·2F].</param>
    /// <param name="neighbours">Their neighbours (indices into the batch), [atoms, M].</param>
    /// <param name="edges">Their edge features, [atoms·M, E].</param>
    /// <param name="edgeWeights">W_edge of the k layers, [E, k·2F].</param>
    /// <param name="momentum">See <see cref="Forward(int[], Tensor, Tensor, Tensor, double)"/>.</param>
    Tensor Update(Tensor selected, Tensor atoms, Tensor self, Tensor nbr, Tensor neighbours, Tensor edges, Tensor edgeWeights, double momentum)
    {
        long n = atoms.shape[0], k = atoms.shape[1], m = neighbours.shape[1];
        int f = AtomFeatureLength;
        var shape = new GatedMessageShape(n, (int)m, (int)k, f);
        var summed = training && GatedMessageSum.Fuses(edges, shape)
            ? FusedMessages(selected, self, nbr, neighbours, edges, edgeWeights, momentum, shape)
            : Messages(selected, self, nbr, neighbours, edges, edgeWeights, momentum);
        summed = BatchNorm(summed.reshape(n, k * f), selected, bn2_weight, bn2_bias, bn2_running_mean, bn2_running_var, momentum).view(n, k, f);
        return HeldScalars.Softplus(atoms.add(summed, One));
    }

    /// <summary>Σ_j σ(filter)·softplus(core) per atom and extractor, [atoms, k, F], in libtorch's operations (bn1 in the layer's mode).</summary>
    Tensor Messages(Tensor selected, Tensor self, Tensor nbr, Tensor neighbours, Tensor edges, Tensor edgeWeights, double momentum)
    {
        long n = self.shape[0], k = self.shape[1], m = neighbours.shape[1];
        int f = AtomFeatureLength;
        var z = edges.matmul(edgeWeights).add_(nbr.index_select(0, neighbours.reshape(-1)), One);
        z = z.view(n, m, k, 2 * f).add(self.unsqueeze(1), One).view(n * m, k * 2 * f);
        z = BatchNorm(z, selected, bn1_weight, bn1_bias, bn1_running_mean, bn1_running_var, momentum).view(n, m, k, 2, f);
        return (sigmoid(z.select(3, 0)) * HeldScalars.Softplus(z.select(3, 1))).sum(1);
    }

    /// <summary>
    /// The same sums in training mode as one fused operation (<see cref="GatedMessageSum"/>), [atoms, k·F]; the selected
    /// extractors' bn1 running statistics follow.
    /// </summary>
    Tensor FusedMessages(Tensor selected, Tensor self, Tensor nbr, Tensor neighbours, Tensor edges, Tensor edgeWeights, double momentum,
        GatedMessageShape shape)
    {
        long c = shape.Channels;
        var (summed, mean, variance) = GatedMessageSum.Apply(edges, edgeWeights, nbr, neighbours.reshape(-1), self.reshape(shape.Atoms, c),
            bn1_weight.index_select(0, selected).reshape(c), bn1_bias.index_select(0, selected).reshape(c), shape, Eps, messageRows);
        using (no_grad())
        {
            var (runningMean, runningVariance) = GatherRunning(selected, bn1_running_mean, bn1_running_var);
            GatedMessageSum.UpdateRunning(runningMean, runningVariance, mean, variance, momentum);
            ScatterRunning(selected, bn1_running_mean, bn1_running_var, runningMean, runningVariance);
        }
        return summed;
    }

    /// <summary>
    /// BatchNorm over the rows of [rows, k·C], each (extractor, channel) on its own, with PyTorch's
    /// semantics; running statistics of the selected extractors are updated in training mode.
    /// </summary>
    Tensor BatchNorm(Tensor x, Tensor selected, Tensor weight, Tensor biasTerm, Tensor runningMean, Tensor runningVar, double momentum)
    {
        var (mean, variance) = GatherRunning(selected, runningMean, runningVar);
        var y = nn.functional.batch_norm(x, mean, variance,
            weight.index_select(0, selected).reshape(-1), biasTerm.index_select(0, selected).reshape(-1),
            training, momentum, Eps);
        if (training)
        {
            using var _ = no_grad();
            ScatterRunning(selected, runningMean, runningVar, mean, variance);
        }
        return y;
    }

    /// <summary>The selected extractors' running statistics, copied out of [extractors, C] into flat [k·C] tensors.</summary>
    static (Tensor Mean, Tensor Variance) GatherRunning(Tensor selected, Tensor runningMean, Tensor runningVar) =>
        (runningMean.index_select(0, selected).reshape(-1), runningVar.index_select(0, selected).reshape(-1));

    /// <summary>Writes flat [k·C] running statistics back into the selected extractors' rows (the inverse of <see cref="GatherRunning"/>).</summary>
    static void ScatterRunning(Tensor selected, Tensor runningMean, Tensor runningVar, Tensor mean, Tensor variance)
    {
        long k = selected.shape[0];
        runningMean.index_copy_(0, selected, mean.view(k, -1));
        runningVar.index_copy_(0, selected, variance.view(k, -1));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) messageRows.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The weights of stacked layer <paramref name="index"/>, in PyTorch's layout (copies).</summary>
    public ConvLayerWeights Layer(int index)
    {
        using var _ = no_grad();
        return new ConvLayerWeights(
            cat(new[] { w_self[index], w_nbr[index], w_edge[index] }, 1).clone(), bias[index].clone(),
            bn1_weight[index].clone(), bn1_bias[index].clone(), bn1_running_mean[index].clone(), bn1_running_var[index].clone(),
            bn2_weight[index].clone(), bn2_bias[index].clone(), bn2_running_mean[index].clone(), bn2_running_var[index].clone());
    }
}
