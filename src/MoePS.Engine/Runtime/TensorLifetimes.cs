using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>
/// TorchSharp 0.107 frees a tensor's native handle from its finalizer, and the JIT lets a tensor be collected as soon as
/// managed code has read its handle: a temporary such as <c>a.to(float64)</c> in <c>a.to(float64).cpu()</c> can be freed
/// by a garbage collection on another thread while libtorch still reads it (a program that runs <c>randn(3000, 3000).exp()</c>
/// in a loop beside a thread that collects garbage segfaults within seconds; inside a dispose scope it runs to the end).
/// A <see cref="DisposeScope"/> holds every tensor made in it, so the engine's entry points compute inside one
/// (<c>TensorLifetimeTests</c> checks that they leave no tensor to the finalizer). This class covers the one place a scope
/// cannot: the gradients a custom autograd function returns, which TorchSharp passes to libtorch after the backward pass
/// has returned.
/// </summary>
internal static class TensorLifetimes
{
    const string HeldGradients = nameof(HeldGradients);

    /// <summary>
    /// Keeps <paramref name="gradients"/> reachable from the function's context until libtorch frees its node, and moves
    /// them out of the backward pass's own scope (which holds its temporaries, such as operands made contiguous, that raw
    /// kernels read) into the caller's.
    /// </summary>
    public static List<Tensor> HeldBy(autograd.AutogradContext ctx, List<Tensor> gradients)
    {
        foreach (var gradient in gradients) gradient?.MoveToOuterDisposeScope();
        ctx.save_data(HeldGradients, gradients);
        return gradients;
    }
}
