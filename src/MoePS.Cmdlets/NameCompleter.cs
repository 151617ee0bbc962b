using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MoePS.Cmdlets;

/// <summary>Tab completion from a list of names: those starting with what was typed (quotes ignored, any case).</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    /// <summary>The names to offer, each with its tooltip.</summary>
    protected abstract IEnumerable<(string Name, string Tooltip)> Candidates();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = (wordToComplete ?? "").Trim('\'', '"');
        return Candidates()
            .Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, c.Tooltip));
    }
}
