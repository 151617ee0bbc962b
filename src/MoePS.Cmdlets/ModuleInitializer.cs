using System.Management.Automation;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>Loads libtorch when the module is imported, so a broken install fails at once and clearly.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => TorchRuntime.EnsureLoaded();
}
