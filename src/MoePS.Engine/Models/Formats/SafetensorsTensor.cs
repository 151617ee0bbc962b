namespace MoePS.Engine.Models.Formats;

/// <summary>One tensor of a safetensors file: name, dtype ("F32", "I64"), shape and raw little-endian bytes.</summary>
public sealed record SafetensorsTensor(string Name, string DType, long[] Shape, byte[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
