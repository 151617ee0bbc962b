using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>Raw access to a CPU tensor's elements, for code that reads or writes them without a copy.</summary>
internal static class TensorMemory
{
    /// <summary>The address of the first element of a contiguous CPU tensor (its storage plus its offset); valid while it lives.</summary>
    public static nint Address<T>(Tensor t) where T : unmanaged =>
        t.storage<T>().data_ptr() + (nint)(t.storage_offset() * t.element_size());
}
