using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>Completes dataset names: the paper's task keys found under $MOEPS_DATA_PATH, then the Matbench sets.</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = (wordToComplete ?? "").Trim('\'', '"');
        return NamedDatasets.KnownNames()
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
