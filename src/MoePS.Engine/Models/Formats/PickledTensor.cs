using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// A tensor of a PyTorch checkpoint as its pickle describes it (torch._utils._rebuild_tensor_v2): a view of a storage
/// from an element offset with a size and a stride per dimension. Nothing is allocated until <see cref="Build"/>, which
/// first checks that the view lies inside the storage, so a hostile file cannot make libtorch read or allocate past it.
/// </summary>
internal sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Size, long[] Stride)
{
    /// <summary>Why the view does not fit its storage, or null when it does.</summary>
    public string? GeometryProblem()
    {
        if (Size.Length != Stride.Length) return $"it has {Size.Length} sizes but {Stride.Length} strides";
        if (Size.FirstOrDefault(s => s < 0) is var size and < 0) return $"size {size} is negative";
        if (Stride.FirstOrDefault(s => s < 0) is var stride and < 0) return $"stride {stride} is negative";
        if (Offset < 0) return $"storage offset {Offset} is negative";
        if (Size.Any(s => s == 0)) return Offset > Storage.ElementCount ? OutsideStorage(Offset) : null;
        Int128 last = Offset;
        for (int i = 0; i < Size.Length; i++) last += (Int128)(Size[i] - 1) * Stride[i];
        return last >= Storage.ElementCount ? OutsideStorage(last + 1) : null;
    }

    string OutsideStorage(Int128 extent) =>
        $"storage offset {Offset}, size [{string.Join(", ", Size)}] and stride [{string.Join(", ", Stride)}] need {extent} elements, " +
        $"more than the {Storage.ElementCount} its storage holds";

    /// <summary>A contiguous copy of the view, read from <paramref name="storageBytes"/> (the whole storage, already checked to be its claimed length).</summary>
    public Tensor Build(byte[] storageBytes)
    {
        using var storage = empty(Storage.ElementCount, Storage.DType);
        storage.bytes = storageBytes;
        using var view = storage.as_strided(Size, Stride, Offset);
        return view.clone();
    }
}
