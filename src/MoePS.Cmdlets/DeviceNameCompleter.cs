using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of compute devices (cpu, cuda:N).</summary>
public sealed class DeviceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ComputeDevice.Available()
            .Where(d => d.Name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d.Name, d.Name, CompletionResultType.ParameterValue, d.Description));
}
