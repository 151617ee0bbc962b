namespace MoePS.Engine.Models.Formats;

/// <summary>The extensions of the model files MoePS reads and writes, declared once.</summary>
public static class ModelFileExtensions
{
    /// <summary>A mixture model (<see cref="MixtureFile"/>).</summary>
    public const string Mixture = ".moem";

    /// <summary>MoePS's extractor bundle (<see cref="ExtractorBundle"/>).</summary>
    public const string ExtractorBundle = ".moex";

    /// <summary>Safetensors weights, read with their .json sidecar (<see cref="ExtractorSidecar"/>).</summary>
    public const string Safetensors = ".safetensors";

    /// <summary>A PyTorch checkpoint as the paper's code saves it (<see cref="PyTorchCheckpoint"/>).</summary>
    public const string TorchCheckpoint = ".pth.tar";

    /// <summary>Every PyTorch checkpoint extension, ".pth.tar" before ".pth" so that a stem loses the whole of it.</summary>
    public static IReadOnlyList<string> Checkpoints { get; } = new[] { TorchCheckpoint, ".pth", ".pt" };

    /// <summary>Every extractor file, in the order a folder is searched for an extractor's name.</summary>
    public static IReadOnlyList<string> Extractors { get; } = new[] { ExtractorBundle, Safetensors }.Concat(Checkpoints).ToArray();

    /// <summary>Whether <paramref name="path"/> ends with <paramref name="extension"/> (any case).</summary>
    public static bool Has(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first of <paramref name="extensions"/> that <paramref name="path"/> ends with, or null.</summary>
    public static string? Among(string path, IEnumerable<string> extensions) => extensions.FirstOrDefault(e => Has(path, e));
}
