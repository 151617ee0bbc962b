using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// The message step of a CGCNN convolution in training mode as one fused CPU operation (<see cref="GatedMessageKernel"/>,
/// with its own backward pass): per atom i, Σ_j σ(y_filter)·softplus(y_core) with y = BatchNorm(edge_ij + neighbours[j] +
/// self_i) on the batch's statistics, for one or more stacked groups of channels. The layers take it for large batches
/// only (<see cref="Fuses"/>): for a batch whose per-edge tensors fit in the last-level cache, libtorch's separate
/// vectorised operations are as fast (README, Speed); beyond, they hold every intermediate in memory, and the fused pass,
/// which stores none, needs a fraction of the memory and is up to 2.65 times faster.
/// </summary>
internal static class GatedMessageSum
{
    /// <summary>
    /// Per-edge floats (rows × channels) from which the layers fuse: 2²⁴ (64 MB), twice this machine's 32 MB L3. Measured on
    /// it (bench message.step, forward + backward of one layer, 1 / 2 torch threads): 6.0·10⁶ (an STL batch) 0.99× / 0.95×
    /// the speed of libtorch's operations, 2.4·10⁷ (MoE k = 4) 2.65× / 1.32×, 3.5·10⁷ (MoE-18, jarvis_2d_exfoliation)
    /// 0.95× / 1.02×; and MoE-18 on expt_eform at half the peak memory.
    /// </summary>
    public const long DefaultFuseFromFloats = 1L << 24;

    static readonly AsyncLocal<long?> Threshold = new();

    /// <summary>
    /// Fuses from <paramref name="floats"/> per-edge floats for this thread's code (and the tasks it starts) until the result is
    /// disposed (1: always; <see cref="long.MaxValue"/>: never). For tests and benchmarks that compare the two paths.
    /// </summary>
    public static IDisposable FuseFrom(long floats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(floats, 1);
        var previous = Threshold.Value;
        Threshold.Value = floats;
        return new Restore(previous);
    }

    sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => Threshold.Value = previous;
    }

    /// <summary>Whether a training-mode layer takes the fused operation: float32 on the CPU, vector hardware, a large batch.</summary>
    public static bool Fuses(Tensor edge, GatedMessageShape shape) =>
        edge.device_type == DeviceType.CPU && edge.dtype == ScalarType.Float32 && shape.Rows > 1 && GatedMessageKernel.Supports(shape.Features)
        && shape.Rows * shape.Channels >= (Threshold.Value ?? DefaultFuseFromFloats);

    /// <param name="edges">Edge features u per row (atom-major: atom i's slots are rows i·M … i·M + M − 1), [atoms·M, E].</param>
    /// <param name="edgeWeights">W_edge, [E, C]: each row's edge term is u·W_edge.</param>
    /// <param name="neighbours">W_nbr·v per atom of the batch, [batch atoms, C].</param>
    /// <param name="index">Each row's neighbour, int64 into <paramref name="neighbours"/>, [atoms·M].</param>
    /// <param name="self">W_self·v + b per atom, [atoms, C].</param>
    /// <param name="weight">BatchNorm's weight, [C].</param>
    /// <param name="bias">BatchNorm's bias, [C].</param>
    /// <param name="shape">The sizes (C = 2·Groups·Features; per group the filter channels, then the core channels).</param>
    /// <param name="eps">BatchNorm's ε.</param>
    /// <param name="workspace">The calling layer's per-row memory, kept until this operation's backward pass.</param>
    /// <returns>
    /// The sums, [atoms, Groups·Features]; the batch mean and the unbiased batch variance per channel, [C], which update
    /// BatchNorm's running statistics (<see cref="UpdateRunning"/>).
    /// </returns>
    public static (Tensor Sum, Tensor Mean, Tensor Variance) Apply(Tensor edges, Tensor edgeWeights, Tensor neighbours, Tensor index,
        Tensor self, Tensor weight, Tensor bias, GatedMessageShape shape, double eps, GatedMessageWorkspace workspace)
    {
        // The scope holds the operands and outputs through TorchSharp's native calls (TensorLifetimes).
        using var scope = NewDisposeScope();
        var outputs = GatedMessageFunction.apply(edges.contiguous(), edgeWeights, neighbours.contiguous(), index.contiguous(), self.contiguous(),
            weight.contiguous(), bias.contiguous(), shape, eps, workspace);
        return (outputs[0].MoveToOuterDisposeScope(), outputs[1].MoveToOuterDisposeScope(), outputs[2].MoveToOuterDisposeScope());
    }

    /// <summary>
    /// PyTorch's running-statistics update in place: running ← (1 − momentum)·running + momentum·batch, for the mean and
    /// for the (unbiased) variance.
    /// </summary>
    public static void UpdateRunning(Tensor runningMean, Tensor runningVariance, Tensor batchMean, Tensor batchVariance, double momentum)
    {
        using var _ = no_grad();
        using var keep = (1 - momentum).ToScalar();
        using var take = momentum.ToScalar();
        runningMean.mul_(keep).add_(batchMean, take);
        runningVariance.mul_(keep).add_(batchVariance, take);
    }
}
