using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>Refuses weights holding NaN or infinity, which would otherwise give NaN predictions and no other sign.</summary>
internal static class FiniteWeights
{
    public static void Check(SafetensorsTensor tensor, string source)
    {
        if (tensor.DType != "F32") return;
        long bad = 0;
        foreach (float v in MemoryMarshal.Cast<byte, float>(tensor.Data))
            if (!float.IsFinite(v)) bad++;
        if (bad > 0) throw Refused(tensor.Name, bad, source);
    }

    public static void Check(string name, Tensor tensor, string source)
    {
        if (!tensor.is_floating_point()) return;
        using var finite = isfinite(tensor);
        using var count = finite.sum();
        long bad = tensor.numel() - count.item<long>();
        if (bad > 0) throw Refused(name, bad, source);
    }

    static ExtractorFormatException Refused(string name, long count, string source) =>
        new(source, $"tensor '{name}' holds {count} NaN or infinite value{(count == 1 ? "" : "s")}; weights must be finite, so the file was not loaded.");
}
