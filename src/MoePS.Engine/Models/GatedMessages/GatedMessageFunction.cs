using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Runtime;
using static MoePS.Engine.Runtime.HeldScalars;

namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// <see cref="GatedMessageKernel"/> as an autograd operation. Arguments: edge features and edge weights, neighbours, index,
/// self, BatchNorm weight and bias (float32 CPU tensors, all but the edge weights contiguous; index int64), the
/// <see cref="GatedMessageShape"/>, ε and the layer's <see cref="GatedMessageWorkspace"/>. Outputs: the sums and, not
/// differentiable, the batch mean and unbiased variance. The edge product W_edge·u is computed here into the workspace,
/// the one per-row tensor it keeps; the backward pass recomputes each row's activations from it and then overwrites it,
/// row by row, with ∂L/∂x (the kernel reads a whole row before writing it), from which the edge gradients follow.
/// </summary>
internal sealed class GatedMessageFunction : autograd.MultiTensorFunction<GatedMessageFunction>
{
    public override string Name => nameof(GatedMessageSum);

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (edges, edgeWeights, neighbours, index, self) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var (weight, bias, shape, eps) = ((Tensor)vars[5], (Tensor)vars[6], (GatedMessageShape)vars[7], (double)vars[8]);
        var workspace = (GatedMessageWorkspace)vars[9];
        CheckOperands(edges, edgeWeights, neighbours, index, self, weight, bias, shape);
        var edge = workspace.Rows(shape.Rows, shape.Channels);
        using (no_grad()) edge.addmm_(edges, edgeWeights, beta: 0);
        var kernel = Kernel(edge, neighbours, index, self, shape);
        var (mean, variance) = kernel.Statistics(get_num_threads());

        int c = shape.Channels;
        var w = weight.data<float>().ToArray();
        var b = bias.data<float>().ToArray();
        var terms = new float[4 * c];   // scale, offset, invstd, centre (BatchNormTerms)
        for (int ch = 0; ch < c; ch++)
        {
            float invstd = (float)(1 / Math.Sqrt(variance[ch] + eps));
            float scale = w[ch] * invstd;
            terms[ch] = scale;
            terms[c + ch] = b[ch] - (float)mean[ch] * scale;
            terms[2 * c + ch] = invstd;
            terms[3 * c + ch] = -(float)mean[ch] * invstd;
        }
        var termTensor = tensor(terms);
        var sum = empty(shape.Atoms, shape.Groups * shape.Features);
        var t = Terms(termTensor, c);
        kernel.Sum(t.Scale, t.Offset, TensorMemory.Address<float>(sum), get_num_threads());

        double unbiased = shape.Rows / (shape.Rows - 1.0);
        var batchMean = tensor(mean.Select(m => (float)m).ToArray());
        var batchVariance = tensor(variance.Select(v => (float)(v * unbiased)).ToArray());
        ctx.save_for_backward([edge, neighbours, index, self, termTensor, edges, edgeWeights]);
        ctx.save_data(nameof(GatedMessageShape), shape);
        ctx.save_data(nameof(Tensor.requires_grad), new[] { edges.requires_grad, edgeWeights.requires_grad, neighbours.requires_grad, self.requires_grad, weight.requires_grad, bias.requires_grad });
        ctx.mark_non_differentiable([batchMean, batchVariance]);
        ctx.set_materialize_grads(false);   // the statistics get no gradient; TorchSharp would make zeros for them
        return [sum, batchMean, batchVariance];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (edge, neighbours, index, self, termTensor) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        var (edges, edgeWeights) = (saved[5], saved[6]);
        var shape = (GatedMessageShape)ctx.get_data(nameof(GatedMessageShape));
        var needs = (bool[])ctx.get_data(nameof(Tensor.requires_grad));   // edges, edge weights, neighbours, self, weight, bias
        int c = shape.Channels, threads = get_num_threads();
        var kernel = Kernel(edge, neighbours, index, self, shape);
        var terms = Terms(termTensor, c);
        if (grad_outputs[0].IsInvalid) return [null!, null!, null!, null!, null!, null!, null!, null!, null!, null!];
        var upstream = grad_outputs[0].contiguous();

        var (gradient, gradientTimesNormalised) = kernel.GradientSums(terms, TensorMemory.Address<float>(upstream), threads);
        var scale = termTensor.data<float>().ToArray();
        var fold = new float[2 * c];   // intercept, tilt: −scale·mean(∂L/∂y), −scale·mean(∂L/∂y·x̂)
        for (int ch = 0; ch < c; ch++)
        {
            fold[ch] = (float)(-scale[ch] * gradient[ch] / shape.Rows);
            fold[c + ch] = (float)(-scale[ch] * gradientTimesNormalised[ch] / shape.Rows);
        }
        using var foldTensor = tensor(fold);
        nint foldPointer = TensorMemory.Address<float>(foldTensor);
        var rowGradient = edge;   // overwritten in place: the edge product is not read again
        var atomGradient = empty(shape.Atoms, c);
        kernel.Gradient(terms, TensorMemory.Address<float>(upstream), (foldPointer, foldPointer + 4 * c), TensorMemory.Address<float>(rowGradient), TensorMemory.Address<float>(atomGradient), threads);

        var edgesGradient = needs[0] ? rowGradient.mm(edgeWeights.t()) : null;
        var edgeWeightsGradient = needs[1] ? edges.t().mm(rowGradient) : null;
        var neighbourGradient = needs[2] ? zeros_like(neighbours).index_add_(0, index, rowGradient, One) : null;
        var weightGradient = needs[4] ? tensor(gradientTimesNormalised.Select(g => (float)g).ToArray()) : null;
        var biasGradient = needs[5] ? tensor(gradient.Select(g => (float)g).ToArray()) : null;
        return TensorLifetimes.HeldBy(ctx,
            [edgesGradient!, edgeWeightsGradient!, neighbourGradient!, null!, needs[3] ? atomGradient : null!, weightGradient!, biasGradient!, null!, null!, null!]);
    }

    /// <summary>The kernel reads raw memory: shapes and neighbour indices that do not fit would read outside the tensors.</summary>
    static void CheckOperands(Tensor edges, Tensor edgeWeights, Tensor neighbours, Tensor index, Tensor self, Tensor weight, Tensor bias,
        GatedMessageShape shape)
    {
        int c = shape.Channels;
        bool fits = edges.dim() == 2 && edges.shape[0] == shape.Rows && edgeWeights.shape.SequenceEqual([edges.shape[1], c])
            && neighbours.dim() == 2 && neighbours.shape[1] == c
            && index.shape.SequenceEqual([shape.Rows]) && index.dtype == ScalarType.Int64 && self.shape.SequenceEqual([shape.Atoms, c])
            && weight.shape.SequenceEqual([(long)c]) && bias.shape.SequenceEqual([(long)c])
            && new[] { edges, edgeWeights, neighbours, self, weight, bias }.All(t => t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU);
        if (!fits) throw new ArgumentException($"Gated message operands do not fit {shape}.");
        if (index.min().item<long>() < 0 || index.max().item<long>() >= neighbours.shape[0])
            throw new ArgumentException($"A neighbour index is outside the {neighbours.shape[0]} atoms it gathers from.");
    }

    static GatedMessageKernel Kernel(Tensor edge, Tensor neighbours, Tensor index, Tensor self, GatedMessageShape shape) =>
        new(TensorMemory.Address<float>(edge), TensorMemory.Address<float>(neighbours), TensorMemory.Address<long>(index), TensorMemory.Address<float>(self), shape);

    static BatchNormTerms Terms(Tensor terms, int channels)
    {
        nint p = TensorMemory.Address<float>(terms);
        return new BatchNormTerms(p, p + 4 * channels, p + 8 * channels, p + 12 * channels);
    }
}
