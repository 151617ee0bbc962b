using System.Management.Automation;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the devices MoePS can train and predict on (cpu, cuda:N).</para>
/// <para type="description">Returns one ComputeDevice per device: the CPU first, then every CUDA device that the loaded
/// libtorch can use (only with a module built with -Backend Cuda). The first CUDA device, when present, is the default
/// of every training and prediction cmdlet; otherwise the CPU. A device is named by its Name: "cpu" or "cuda:N". With
/// $env:MOEPS_LIBTORCH_PATH naming a libtorch of another release than TorchSharp's shim was built for (2.10.0), it
/// warns, as the module's import does.</para>
/// </summary>
/// <example>
/// <code>Get-MoeDevice</code>
/// <para>Lists the devices; on a machine without a GPU only "cpu".</para>
/// </example>
/// <example>
/// <code>Get-MoeDevice | Where-Object Kind -eq 'cuda' | Select-Object -First 1</code>
/// <para>The first GPU, if there is one.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "MoeDevice")]
[OutputType(typeof(ComputeDevice))]
public sealed class GetMoeDeviceCommand : MoeCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            var devices = ComputeDevice.Available();
            if (TorchRuntime.VersionWarning is { } warning) WriteWarning(warning);
            foreach (var d in devices) WriteObject(d);
        }
        catch (Exception e)
        {
            Fail(e, null, "DeviceQueryFailed");
        }
    }
}
