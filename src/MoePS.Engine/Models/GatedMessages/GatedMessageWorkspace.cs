using static TorchSharp.torch;

namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// The one per-edge tensor a fused layer keeps between its forward and backward pass (W_edge·u per row, then ∂L/∂x in the
/// same memory), reused from step to step. Allocating it afresh each step, at a size that changes with each batch's atoms,
/// fragments glibc's heap: now and then a step finds no free chunk large enough and extends the heap, faulting in 80–180 MB
/// of new pages (MoE-18 on jarvis_2d_exfoliation: one 140 MB tensor per step), which made epoch times swing. Here the memory
/// only grows, by a quarter beyond the largest batch seen; pages past what a batch writes are never touched, so they cost
/// address space, not memory. <see cref="Release"/> hands it back (the training targets do when they are disposed).
/// </summary>
internal sealed class GatedMessageWorkspace : IDisposable
{
    const double Headroom = 1.25;

    Tensor? memory;

    /// <summary>Floats held now (0 when released).</summary>
    public long Capacity => memory?.shape[0] ?? 0;

    /// <summary>
    /// A contiguous [rows, channels] float32 CPU tensor over the held memory, its values undefined. It stays valid until the next
    /// call: the fused operation saves it for its backward pass. A second forward pass of the layer before that backward
    /// pass (nothing in the engine does this) bumps its version, so autograd stops the stale backward with "modified by an
    /// inplace operation" instead of reading overwritten rows.
    /// </summary>
    public Tensor Rows(long rows, long channels)
    {
        long floats = rows * channels;
        if (memory is null || memory.shape[0] < floats)
        {
            Release();
            memory = empty((long)Math.Ceiling(floats * Headroom), dtype: ScalarType.Float32).DetachFromDisposeScope();
        }
        return memory.narrow(0, 0, floats).view(rows, channels);
    }

    /// <summary>Frees the held memory; the next <see cref="Rows"/> allocates again.</summary>
    public void Release()
    {
        memory?.Dispose();
        memory = null;
    }

    public void Dispose() => Release();

    /// <summary>Releases the workspace of every fused layer in <paramref name="model"/>: training is over, the memory is not needed.</summary>
    public static void ReleaseIn(nn.Module model)
    {
        foreach (var module in model.modules())
            if (module is IFusedMessageLayer layer) layer.Workspace.Release();
    }
}
