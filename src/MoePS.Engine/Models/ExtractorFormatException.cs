
namespace MoePS.Engine.Models;

/// <summary>A weight file, sidecar, checkpoint or bundle is malformed or does not fit the model.</summary>
public sealed class ExtractorFormatException : Exception
{
    public string? File { get; }

    public ExtractorFormatException(string? file, string message, Exception? inner = null)
        : base(file == null ? message : $"{file}: {message}", inner)
    {
        File = file;
    }
}
