using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads a pre-trained CGCNN extractor from a file.</para>
/// <para type="description">Reads safetensors weights with their .json sidecar (the element table atom_init.json is
/// found beside them or in the data folders), PyTorch checkpoints (.pth, .pth.tar) as saved by the CGCNN/MoE code, and
/// MoePS bundles (.moex). Accepts Get-ChildItem output.</para>
/// <example><code>Import-Extractor ./mp_eform.moex</code></example>
/// <example><code>Get-ChildItem extractors/*.safetensors | Import-Extractor</code></example>
/// </summary>
[Cmdlet(VerbsData.Import, "Extractor")]
[OutputType(typeof(Extractor))]
public sealed class ImportExtractorCommand : MoeCmdlet
{
    /// <summary><para type="description">Weight file(s): .safetensors (+ .json sidecar), .pth, .pth.tar or .moex. Wildcards allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (string p in Path)
        {
            IEnumerable<string> files;
            try
            {
                files = WildcardPattern.ContainsWildcardCharacters(p) ? GetResolvedProviderPathFromPSPath(p, out _) : new[] { ResolvePath(p) };
            }
            catch (Exception e) when (e is ItemNotFoundException or ArgumentException or NotSupportedException)
            {
                WriteItemError(e, p, "ExtractorPathNotFound");
                continue;
            }
            foreach (string file in files)
            {
                try
                {
                    WriteVerbose($"Importing extractor from {file}");
                    WriteObject(ExtractorFiles.Import(file));
                }
                catch (Exception e) when (e is not PipelineStoppedException)
                {
                    WriteItemError(e, file, "ExtractorImportFailed");
                }
            }
        }
    }
}
