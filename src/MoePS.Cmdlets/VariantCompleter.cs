using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// Tab completion of the run sets' variant names ("TL from mp_eform", "MoE-19 (k=4, gateStart=Probe)") in the result files
/// the command line names with -ResultPath, quoted, as Measure-ValidatedChoice's -Candidate takes them; nothing without one.
/// </summary>
public sealed class VariantCompleter : IArgumentCompleter
{
    /// <summary>A path as the session's current location resolves it (the process's working folder may be another).</summary>
    static string Resolve(string path)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        var location = shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").Invoke<PathInfo>().FirstOrDefault();
        return location is null ? Path.GetFullPath(path) : Path.GetFullPath(path, location.ProviderPath);
    }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (fakeBoundParameters["ResultPath"] is not { } paths) return [];
        string prefix = (wordToComplete ?? "").Trim('\'', '"');
        var results = new List<BenchmarkResult>();
        foreach (string path in LanguagePrimitives.ConvertTo<string[]>(paths))
        {
            try
            {
                results.AddRange(new ResultStore(Resolve(path)).Read(out _));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // A file that cannot be read offers nothing; running the command says why.
            }
        }
        IReadOnlyList<BenchmarkSummary> summaries;
        try
        {
            summaries = BenchmarkStatistics.Summarise(results);
        }
        catch (InvalidOperationException)
        {
            return [];
        }
        return summaries.GroupBy(s => s.Variant)
            .Where(g => g.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CompletionResult($"'{g.Key.Replace("'", "''")}'", g.Key, CompletionResultType.ParameterValue,
                $"{g.Key}: {g.Count()} task(s)"));
    }
}
