using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The same CGCNN convolution layer of m extractors, stacked so that the active ones run as a
/// few batched matrix products instead of m small ones. The Linear(2F+E → 2F) on
/// z_ij = v_i ⊕ v_j ⊕ u_ij is split into its three blocks: W_self·v_i and W_nbr·v_j are computed
/// once per atom (not once per edge) and gathered, W_edge·u_ij once per edge, which is about a
/// third of the arithmetic of the concatenated form. BatchNorm is computed per extractor and
/// channel with PyTorch's semantics (biased batch variance to normalise, unbiased variance and
/// momentum 0.1 for the running statistics).
/// </summary>
public sealed class StackedConvLayer : nn.Module
{
    const double Eps = 1e-5, Momentum = 0.1;

    readonly Parameter wSelf, wNbr, wEdge, bias, bn1Weight, bn1Bias, bn2Weight, bn2Bias;
    readonly Tensor bn1Mean, bn1Var, bn2Mean, bn2Var;

    public StackedConvLayer(IReadOnlyList<ConvLayerWeights> layers) : base(nameof(StackedConvLayer))
    {
        if (layers.Count == 0) throw new ArgumentException("No layers to stack.", nameof(layers));
        int f = layers[0].AtomFeatureLength, e = layers[0].EdgeFeatureLength;
        if (layers.Any(l => l.AtomFeatureLength != f || l.EdgeFeatureLength != e))
            throw new ArgumentException("Stacked convolution layers must share atom and edge feature sizes.", nameof(layers));
        AtomFeatureLength = f;
        EdgeFeatureLength = e;
        Count = layers.Count;

        using (no_grad())
        {
            var fc = stack(layers.Select(l => l.FcWeight.to(ScalarType.Float32)).ToArray());
            wSelf = new Parameter(fc[.., .., ..f].contiguous());
            wNbr = new Parameter(fc[.., .., f..(2 * f)].contiguous());
            wEdge = new Parameter(fc[.., .., (2 * f)..].contiguous());
            bias = new Parameter(stack(layers.Select(l => l.FcBias).ToArray()).to(ScalarType.Float32));
            bn1Weight = new Parameter(stack(layers.Select(l => l.Bn1Weight).ToArray()).to(ScalarType.Float32));
            bn1Bias = new Parameter(stack(layers.Select(l => l.Bn1Bias).ToArray()).to(ScalarType.Float32));
            bn2Weight = new Parameter(stack(layers.Select(l => l.Bn2Weight).ToArray()).to(ScalarType.Float32));
            bn2Bias = new Parameter(stack(layers.Select(l => l.Bn2Bias).ToArray()).to(ScalarType.Float32));
            bn1Mean = stack(layers.Select(l => l.Bn1RunningMean).ToArray()).to(ScalarType.Float32);
            bn1Var = stack(layers.Select(l => l.Bn1RunningVar).ToArray()).to(ScalarType.Float32);
            bn2Mean = stack(layers.Select(l => l.Bn2RunningMean).ToArray()).to(ScalarType.Float32);
            bn2Var = stack(layers.Select(l => l.Bn2RunningVar).ToArray()).to(ScalarType.Float32);
        }
        register_parameter("w_self", wSelf);
        register_parameter("w_nbr", wNbr);
        register_parameter("w_edge", wEdge);
        register_parameter("bias", bias);
        register_parameter("bn1_weight", bn1Weight);
        register_parameter("bn1_bias", bn1Bias);
        register_parameter("bn2_weight", bn2Weight);
        register_parameter("bn2_bias", bn2Bias);
        register_buffer("bn1_running_mean", bn1Mean);
        register_buffer("bn1_running_var", bn1Var);
        register_buffer("bn2_running_mean", bn2Mean);
        register_buffer("bn2_running_var", bn2Var);
    }

    public int Count { get; }
    public int AtomFeatureLength { get; }
    public int EdgeFeatureLength { get; }

    /// <summary>
    /// Runs the layer for the selected extractors.
    /// </summary>
    /// <param name="selected">Which stacked layers to run (k indices into 0..m−1), as a long tensor.</param>
    /// <param name="atoms">Atom features entering the layer, [k, atoms, F] (row i is extractor selected[i]).</param>
    /// <param name="neighbours">Neighbour atom index per atom and slot, [atoms, M] (long).</param>
    /// <param name="edges">Edge features, [atoms·M, E].</param>
    /// <returns>Atom features after the layer, [k, atoms, F].</returns>
    public Tensor Forward(Tensor selected, Tensor atoms, Tensor neighbours, Tensor edges)
    {
        using var scope = NewDisposeScope();
        long k = atoms.shape[0], n = atoms.shape[1], m = neighbours.shape[1];
        int f = AtomFeatureLength;

        var self = matmul(atoms, wSelf.index_select(0, selected).transpose(1, 2));          // [k, n, 2F]
        var nbr = matmul(atoms, wNbr.index_select(0, selected).transpose(1, 2));            // [k, n, 2F]
        var edge = matmul(edges, wEdge.index_select(0, selected).transpose(1, 2));          // [k, n·m, 2F]
        var gathered = nbr.index_select(1, neighbours.reshape(-1)).view(k, n, m, 2 * f);
        var z = edge.view(k, n, m, 2 * f) + gathered + self.unsqueeze(2) + bias.index_select(0, selected).view(k, 1, 1, 2 * f);

        z = BatchNorm(z.view(k, n * m, 2 * f), selected, bn1Weight, bn1Bias, bn1Mean, bn1Var).view(k, n, m, 2 * f);
        var filter = sigmoid(z[.., .., .., ..f]);
        var core = nn.functional.softplus(z[.., .., .., f..]);
        var summed = (filter * core).sum(2);                                                  // [k, n, F]
        summed = BatchNorm(summed, selected, bn2Weight, bn2Bias, bn2Mean, bn2Var);
        return nn.functional.softplus(atoms + summed).MoveToOuterDisposeScope();
    }

    /// <summary>BatchNorm over dim 1 of [k, rows, C], separately for each selected extractor and channel.</summary>
    Tensor BatchNorm(Tensor x, Tensor selected, Tensor weight, Tensor biasTerm, Tensor runningMean, Tensor runningVar)
    {
        long k = x.shape[0], c = x.shape[2];
        Tensor mean, variance;
        if (training)
        {
            mean = x.mean(new long[] { 1 }, keepdim: true);
            variance = x.var(1, unbiased: false, keepdim: true);
            using (no_grad())
            {
                long rows = x.shape[1];
                var unbiased = variance.squeeze(1) * (rows / (double)Math.Max(rows - 1, 1));
                var newMean = runningMean.index_select(0, selected) * (1 - Momentum) + mean.squeeze(1) * Momentum;
                var newVar = runningVar.index_select(0, selected) * (1 - Momentum) + unbiased * Momentum;
                runningMean.index_copy_(0, selected, newMean);
                runningVar.index_copy_(0, selected, newVar);
            }
        }
        else
        {
            mean = runningMean.index_select(0, selected).view(k, 1, c);
            variance = runningVar.index_select(0, selected).view(k, 1, c);
        }
        var normalised = (x - mean) / (variance + Eps).sqrt();
        return normalised * weight.index_select(0, selected).view(k, 1, c) + biasTerm.index_select(0, selected).view(k, 1, c);
    }

    /// <summary>The weights of stacked layer <paramref name="index"/>, in PyTorch's layout (copies).</summary>
    public ConvLayerWeights Layer(int index)
    {
        using var _ = no_grad();
        return new ConvLayerWeights(
            cat(new[] { wSelf[index], wNbr[index], wEdge[index] }, 1).clone(), bias[index].clone(),
            bn1Weight[index].clone(), bn1Bias[index].clone(), bn1Mean[index].clone(), bn1Var[index].clone(),
            bn2Weight[index].clone(), bn2Bias[index].clone(), bn2Mean[index].clone(), bn2Var[index].clone());
    }
}
