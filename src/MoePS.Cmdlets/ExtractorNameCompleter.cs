using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MoePS.Engine.Models;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of the paper's extractor names.</summary>
public sealed class ExtractorNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        PaperExtractors.All
            .Where(e => e.Name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(e => new CompletionResult(e.Name, e.Name, CompletionResultType.ParameterValue, e.Description));
}
