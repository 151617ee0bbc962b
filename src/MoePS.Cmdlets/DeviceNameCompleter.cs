using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of compute devices (cpu, cuda:N).</summary>
public sealed class DeviceNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string Tooltip)> Candidates() =>
        ComputeDevice.Available().Select(d => (d.Name, d.Description));
}
