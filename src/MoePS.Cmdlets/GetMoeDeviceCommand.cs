using System.Management.Automation;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the devices MoePS can train and predict on (cpu, cuda:N).</para>
/// <para type="description">The first CUDA device, when present, is the default of every training and prediction cmdlet; otherwise the CPU.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MoeDevice")]
[OutputType(typeof(ComputeDevice))]
public sealed class GetMoeDeviceCommand : MoeCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var d in ComputeDevice.Available()) WriteObject(d);
        }
        catch (Exception e)
        {
            Fail(e, null, "DeviceQueryFailed");
        }
    }
}
