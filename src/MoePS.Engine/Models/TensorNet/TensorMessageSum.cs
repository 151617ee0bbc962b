using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// TensorNet's message step as one CPU operation with its own backward pass (<see cref="TensorMessageKernel"/>): per atom,
/// the sum over the pairs it is the source of of the target's 10 tensor components, each weighted by the pair's radial
/// weight for its part, [atoms, channels, 10]; the same as gathering the targets' components, spreading the radial weights
/// over the components, multiplying and summing onto the sources (<see cref="CartesianTensors.SumOnto"/>), in another
/// order of float32 sums. The crystals of a batch (<see cref="RadialPairs.PartEnds"/>) are shared out over the torch threads,
/// each sum made in pair order by one thread, so the result is the same bits at any thread count. A fine-tuned block uses
/// it (<see cref="TensorNetInteraction.FusesMessages"/>); the potential keeps libtorch's operations, so its features stay
/// the bits the feature cache holds.
/// </summary>
internal static class TensorMessageSum
{
    static readonly AsyncLocal<bool> Unfused = new();

    /// <summary>
    /// libtorch's separate operations instead, for this thread's code (and the tasks it starts) until the result is disposed:
    /// for benchmarks that compare the two.
    /// </summary>
    public static IDisposable Off()
    {
        bool previous = Unfused.Value;
        Unfused.Value = true;
        return new Restore(previous);
    }

    sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => Unfused.Value = previous;
    }

    /// <summary>Whether the operation applies: float32 on the CPU, channels a whole number of vectors (and not turned <see cref="Off"/>).</summary>
    public static bool Supports(Tensor components) => !Unfused.Value &&
        components.device_type == DeviceType.CPU && components.dtype == ScalarType.Float32 && TensorMessageKernel.Supports((int)components.shape[1]);

    /// <param name="radial">Radial weights per row of <paramref name="pairs"/>' basis, [rows, channels, 3 parts].</param>
    /// <param name="components">Every atom's tensor components, [atoms, channels, 10].</param>
    /// <param name="pairs">The pairs: sources, targets and each pair's radial row (a row per pair without one).</param>
    public static Tensor Apply(Tensor radial, Tensor components, RadialPairs pairs)
    {
        // The scope holds the operands and outputs through TorchSharp's native calls (TensorLifetimes).
        using var scope = NewDisposeScope();
        var rows = pairs.RadialRow ?? arange(pairs.Source.shape[0], dtype: ScalarType.Int64, device: pairs.Source.device);
        return TensorMessageFunction.apply(radial.contiguous(), components.contiguous(), pairs.Source.contiguous(), pairs.Target.contiguous(),
            rows.contiguous(), Ranges(pairs, get_num_threads()))[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Where the pairs split into ranges for <paramref name="threads"/> threads: at crystal boundaries, about four ranges a
    /// thread of about equal pair counts; one range without boundaries or with one thread. Cumulative ends.
    /// </summary>
    internal static long[] Ranges(RadialPairs pairs, int threads)
    {
        long count = pairs.Source.shape[0];
        if (pairs.PartEnds is not { Count: > 1 } ends || threads <= 1 || count == 0) return [count];
        long target = Math.Max(1, count / (4L * threads));
        var ranges = new List<long>();
        long start = 0;
        foreach (long end in ends)
        {
            if (end == start || end - start < target && end != count) continue;
            ranges.Add(end);
            start = end;
        }
        return ranges.ToArray();
    }

    static void RunRanges(long[] ends, Action<long, long> range)
    {
        if (ends.Length == 1)
        {
            range(0, ends[0]);
            return;
        }
        Parallel.For(0, ends.Length, new ParallelOptions { MaxDegreeOfParallelism = get_num_threads() },
            i => range(i == 0 ? 0 : ends[i - 1], ends[i]));
    }

    /// <summary><see cref="TensorMessageKernel"/> as an autograd operation (arguments as <see cref="Apply"/>'s, the pairs' three index tensors apart).</summary>
    sealed class TensorMessageFunction : autograd.MultiTensorFunction<TensorMessageFunction>
    {
        public override string Name => nameof(TensorMessageSum);

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (radial, components, source, target, rows) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
            var ranges = (long[])vars[5];
            CheckOperands(radial, components, source, target, rows);
            if (ranges.Length == 0 || ranges[^1] != source.shape[0] || ranges.Zip(ranges.Skip(1)).Any(r => r.Second <= r.First)
                || ranges.Length > 1 && ranges[0] <= 0)
                throw new ArgumentException("The pair ranges must rise to the pair count.");
            // Channels innermost for the kernel's vectors: [rows, 3, C] and [atoms, 10, C].
            var radialByPart = radial.permute(0, 2, 1).contiguous();
            var componentsByIndex = components.permute(0, 2, 1).contiguous();
            var sums = zeros_like(componentsByIndex);
            var kernel = Kernel(radialByPart, componentsByIndex, source, target, rows);
            nint output = TensorMemory.Address<float>(sums);
            RunRanges(ranges, (first, end) => kernel.Sum(output, first, end));
            ctx.save_for_backward([radialByPart, componentsByIndex, source, target, rows]);
            ctx.save_data(nameof(Tensor.requires_grad), new[] { radial.requires_grad, components.requires_grad });
            ctx.save_data(nameof(Ranges), ranges);
            return [sums.permute(0, 2, 1).contiguous()];
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
        {
            using var scope = NewDisposeScope();
            var saved = ctx.get_saved_variables();
            var (radialByPart, componentsByIndex, source, target, rows) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
            var needs = (bool[])ctx.get_data(nameof(Tensor.requires_grad));
            var upstream = grad_outputs[0].permute(0, 2, 1).contiguous();
            var radialGradient = needs[0] ? zeros_like(radialByPart) : null;
            var componentGradient = needs[1] ? zeros_like(componentsByIndex) : null;
            var kernel = Kernel(radialByPart, componentsByIndex, source, target, rows);
            nint up = TensorMemory.Address<float>(upstream);
            nint toRadial = radialGradient is null ? 0 : TensorMemory.Address<float>(radialGradient);
            nint toComponents = componentGradient is null ? 0 : TensorMemory.Address<float>(componentGradient);
            RunRanges((long[])ctx.get_data(nameof(Ranges)), (first, end) => kernel.Gradients(up, toRadial, toComponents, first, end));
            return TensorLifetimes.HeldBy(ctx,
                [radialGradient?.permute(0, 2, 1).contiguous()!, componentGradient?.permute(0, 2, 1).contiguous()!, null!, null!, null!, null!]);
        }

        /// <summary>The kernel reads raw memory: shapes and indices that do not fit would read outside the tensors.</summary>
        static void CheckOperands(Tensor radial, Tensor components, Tensor source, Tensor target, Tensor rows)
        {
            long pairs = source.shape[0], channels = components.shape[1];
            bool fits = radial.dim() == 3 && radial.shape[1] == channels && radial.shape[2] == 3
                && components.dim() == 3 && components.shape[2] == CartesianTensors.ComponentCount
                && new[] { target, rows }.All(t => t.shape.SequenceEqual(source.shape)) && source.dim() == 1
                && new[] { source, target, rows }.All(t => t.dtype == ScalarType.Int64 && t.device_type == DeviceType.CPU)
                && new[] { radial, components }.All(t => t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU);
            if (!fits) throw new ArgumentException("TensorNet message operands do not fit one another.");
            if (pairs == 0) return;
            if (Outside(source, components.shape[0]) || Outside(target, components.shape[0]))
                throw new ArgumentException($"A pair's atom is outside the {components.shape[0]} atoms.");
            if (Outside(rows, radial.shape[0])) throw new ArgumentException($"A pair's radial row is outside the {radial.shape[0]} rows.");
        }

        static bool Outside(Tensor index, long count) => index.min().item<long>() < 0 || index.max().item<long>() >= count;

        static TensorMessageKernel Kernel(Tensor radialByPart, Tensor componentsByIndex, Tensor source, Tensor target, Tensor rows) =>
            new(TensorMemory.Address<float>(radialByPart), TensorMemory.Address<float>(componentsByIndex), TensorMemory.Address<long>(source),
                TensorMemory.Address<long>(target), TensorMemory.Address<long>(rows), (int)componentsByIndex.shape[2]);
    }
}
