using System.Management.Automation;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Formats;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Saves a mixture to one self-contained file (.moem).</para>
/// <para type="description">The file holds the fine-tuned layers, gate, head(s), normaliser, training history and,
/// unless -ExcludeExtractors, every extractor's weights; predictions after Import-MixtureModel are bit-identical. With
/// -ExcludeExtractors the extractors are recorded by name and weights hash and found again on import (e.g. the paper's
/// library). Written atomically; an existing file is only replaced with -Force.</para>
/// </summary>
/// <example>
/// <code>$m | Save-MixtureModel -Path ./exfoliation-moe.moem</code>
/// <para>Saves a trained mixture with its extractors.</para>
/// </example>
[Cmdlet(VerbsData.Save, "MixtureModel", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveMixtureModelCommand : MoeCmdlet
{
    /// <summary><para type="description">The mixture to save.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public MixtureModel Model { get; set; } = null!;

    /// <summary><para type="description">The .moem file to write.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Record the extractors by name and weights hash instead of embedding them (a much smaller file).</para></summary>
    [Parameter]
    public SwitchParameter ExcludeExtractors { get; set; }

    /// <summary><para type="description">Overwrite an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolvePath(Path);
        if (!MayWrite(target, Force, $"Save mixture '{Model.Name}'")) return;
        try
        {
            MixtureFile.Write(Model, target, includeExtractors: !ExcludeExtractors);
            WriteObject(new FileInfo(target));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, target, "MixtureSaveFailed");
        }
    }
}
