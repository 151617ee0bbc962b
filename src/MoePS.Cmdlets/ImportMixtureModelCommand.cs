using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Loads a mixture saved with Save-MixtureModel.</para>
/// <para type="description">Extractors saved by reference (-ExcludeExtractors) are looked up in -ExtractorPath (files
/// named &lt;name&gt;.moex, .safetensors, .pth.tar, .pth or .pt, in this order), then in the paper's extractor library
/// ($MOEPS_DATA_PATH, the user cache); their weights must have the recorded hash.</para>
/// </summary>
/// <example>
/// <code>Import-MixtureModel ./exfoliation-moe.moem | Invoke-PropertyPrediction -Crystal (Import-Crystal new/*.cif)</code>
/// <para>Predicts with a saved mixture.</para>
/// </example>
[Cmdlet(VerbsData.Import, "MixtureModel")]
[OutputType(typeof(MixtureModel))]
public sealed class ImportMixtureModelCommand : MoeCmdlet
{
    /// <summary><para type="description">The .moem file(s).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">A folder with the extractors of mixtures saved without them.</para></summary>
    [Parameter]
    public string? ExtractorPath { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string p in Path)
        {
            string path = ResolvePath(p);
            try
            {
                WriteObject(MixtureFile.Read(path, (name, kind) => kind == null ? FindExtractor(name, path) : FindFrozenExpert(name, kind, path)));
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                WriteItemError(e, path, "MixtureImportFailed");
            }
        }
    }

    /// <summary>An extractor <paramref name="mixture"/> was saved without: from -ExtractorPath, else from the paper's library.</summary>
    Extractor FindExtractor(string name, string mixture)
    {
        string? folder = ExtractorPath == null ? null : ResolvePath(ExtractorPath);
        if (folder != null)
            foreach (string ext in ModelFileExtensions.Extractors)
            {
                string candidate = System.IO.Path.Combine(folder, name + ext);
                if (File.Exists(candidate)) return ExtractorFiles.Import(candidate);
            }
        if (PaperExtractors.TryFind(name) == null)
            throw new FileNotFoundException(
                $"'{mixture}' was saved without its extractor '{name}' (-ExcludeExtractors), which is not one of the paper's extractors, and " +
                (folder == null ? "no -ExtractorPath was given" : $"-ExtractorPath '{folder}' has no {string.Join(", ", ModelFileExtensions.Extractors.Select(e => name + e))}") +
                $". Give the folder that holds {name}{ExtractorBundle.Extension} (or .safetensors, .pth.tar) with -ExtractorPath.");
        using var download = new DownloadProgressBar(this);
        return ExtractorLibrary.Load(name, WriteVerbose, download);
    }

    /// <summary>A frozen expert (always saved by name): from a data folder.</summary>
    IExpert FindFrozenExpert(string name, string kind, string mixture) =>
        ExpertLibrary.FindFrozenExpert(name) != null ? ExpertLibrary.Load(name, WriteVerbose)
        : throw new FileNotFoundException(
            $"'{mixture}' uses the {kind} expert '{name}', which is saved by name only; no data folder has " +
            $"{ExpertLibrary.FrozenExpertFolder}/{name}/ (searched {string.Join(", ", DataLocations.DataFolders())}). Put it there or set $env:{DataLocations.DataPathVariable}.");
}
