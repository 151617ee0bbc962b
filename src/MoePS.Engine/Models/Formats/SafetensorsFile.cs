namespace MoePS.Engine.Models.Formats;

/// <summary>The content of a safetensors file: tensors in file order plus the string metadata.</summary>
public sealed record SafetensorsFile(IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
