namespace MoePS.Engine.Runtime;

/// <summary>A native library of libtorch/TorchSharp could not be loaded.</summary>
public sealed class TorchLoadException : Exception
{
    public string Library { get; }

    /// <summary>The loader's reason, and any advice.</summary>
    public string Reason { get; }

    public TorchLoadException(string library, string reason, Exception? inner = null)
        : base($"Could not load the native library '{library}': {reason}", inner)
    {
        Library = library;
        Reason = reason;
    }
}
