using System.Management.Automation;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>
/// Loads libtorch when the module is imported, so a broken install fails at once and clearly; a libtorch from
/// $MOEPS_LIBTORCH_PATH of another release than TorchSharp's shim expects is named in a warning on the host.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        TorchRuntime.EnsureLoaded();
        if (TorchRuntime.VersionWarning is { } warning) WarnOnHost(warning);
    }

    /// <summary>
    /// Import-Module has no cmdlet whose warning stream the initializer could use, so the warning goes to the importing
    /// session's host UI, as Write-Warning's text does.
    /// </summary>
    static void WarnOnHost(string warning)
    {
        if (System.Management.Automation.Runspaces.Runspace.DefaultRunspace == null) return;
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript("param($m) if ($Host.UI) { $Host.UI.WriteWarningLine($m) }").AddArgument(warning).Invoke();
    }
}
