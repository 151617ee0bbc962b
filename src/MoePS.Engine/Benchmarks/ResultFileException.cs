namespace MoePS.Engine.Benchmarks;

/// <summary>A result file line that isn't a valid result (names the file and line).</summary>
public sealed class ResultFileException : FormatException
{
    public ResultFileException(string path, int line, string problem, Exception? inner = null)
        : base($"{path}, line {line}: {problem}", inner)
    {
        Path = path;
        Line = line;
    }

    public string Path { get; }
    public int Line { get; }
}
