namespace MoePS.Engine.Benchmarks;

/// <summary>A YAML experiment plan that can't be used; the message names the file, line, column and key.</summary>
public sealed class ExperimentPlanException : FormatException
{
    public ExperimentPlanException(string problem, string? path, int line, int column, string? key, Exception? inner = null)
        : base($"{path ?? "experiment plan"}, line {line}, column {column}: {problem}", inner)
    {
        Path = path;
        Line = line;
        Column = column;
        Key = key;
    }

    public string? Path { get; }
    public int Line { get; }
    public int Column { get; }

    /// <summary>The offending key as a dotted path (e.g. "hyperparameters.epochs"), when there is one.</summary>
    public string? Key { get; }
}
