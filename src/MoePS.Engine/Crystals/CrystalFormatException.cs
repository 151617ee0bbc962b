namespace MoePS.Engine.Crystals;

/// <summary>A structure or dataset file is malformed; the message names the file and place.</summary>
public sealed class CrystalFormatException : Exception
{
    public CrystalFormatException(string message, string? path = null, int? line = null, Exception? inner = null)
        : base(Compose(message, path, line), inner)
    {
        Path = path;
        Line = line;
    }

    public string? Path { get; }
    public int? Line { get; }

    static string Compose(string message, string? path, int? line) =>
        path == null ? message : line == null ? $"{path}: {message}" : $"{path}:{line}: {message}";
}
