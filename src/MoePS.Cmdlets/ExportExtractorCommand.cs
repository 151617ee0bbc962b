using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes an extractor to a self-contained MoePS bundle (.moex).</para>
/// <para type="description">The bundle holds the weights (safetensors), architecture, graph settings, element table,
/// normaliser, source task, metrics and provenance — all that is needed to use the extractor on another machine.
/// Written atomically; an existing file is only replaced with -Force. When -Path is an existing folder, each extractor
/// goes to &lt;folder&gt;/&lt;name&gt;.moex.</para>
/// <example><code>Get-Extractor mp_eform | Export-Extractor -Path ./mp_eform.moex</code></example>
/// </summary>
[Cmdlet(VerbsData.Export, "Extractor", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportExtractorCommand : MoeCmdlet
{
    /// <summary><para type="description">The extractor to write.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public Extractor Extractor { get; set; } = null!;

    /// <summary><para type="description">The .moex file to write, or an existing folder.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Overwrite an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolvePath(Path);
        if (Directory.Exists(target)) target = System.IO.Path.Combine(target, Extractor.Name + ExtractorBundle.Extension);
        if (!MayWrite(target, Force, $"Write extractor '{Extractor.Name}'")) return;
        try
        {
            ExtractorBundle.Write(Extractor, target);
            WriteObject(new FileInfo(target));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, target, "ExtractorExportFailed");
        }
    }
}
