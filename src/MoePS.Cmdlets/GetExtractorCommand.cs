using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Loads the MoE paper's pre-trained extractors by name.</para>
/// <para type="description">Looks in $env:MOEPS_DATA_PATH (extractors/&lt;name&gt;.safetensors + .json, atom_init.json
/// at the root; or extractors/pytorch/&lt;name&gt;.pth.tar) and the user cache; otherwise downloads the public
/// checkpoint (pinned URL and SHA-256, with a progress bar) and converts it once. A download fails after 30 s without a
/// connection or 60 s without data ($env:MOEPS_DOWNLOAD_CONNECT_SECONDS, $env:MOEPS_DOWNLOAD_STALL_SECONDS), with an
/// error naming the URL and the path where the file can be put by hand; $env:MOEPS_DOWNLOAD_MIRROR fetches from a
/// mirror instead, $env:MOEPS_OFFLINE=1 forbids downloads. Without -Name, all 18. Names accept wildcards.</para>
/// <example><code>Get-Extractor mp_eform, jarvis_eform</code></example>
/// <example><code>Get-Extractor | New-MixtureModel -TopK 4</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Extractor")]
[OutputType(typeof(Extractor))]
public sealed class GetExtractorCommand : MoeCmdlet, IDisposable
{
    readonly CancellationTokenSource cancel = new();

    /// <summary><para type="description">Extractor names (e.g. mp_eform); wildcards allowed. Default: all 18.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ExtractorNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string name in Name is { Length: > 0 } ? Name : new[] { "*" })
        {
            var matches = WildcardPattern.ContainsWildcardCharacters(name)
                ? PaperExtractors.Names.Where(n => new WildcardPattern(name, WildcardOptions.IgnoreCase).IsMatch(n)).ToList()
                : new List<string> { name };
            if (matches.Count == 0)
                WriteItemError(new ArgumentException($"No paper extractor matches '{name}'. Known: {string.Join(", ", PaperExtractors.Names)}."), name, "ExtractorNotFound");
            foreach (string match in matches)
            {
                using var download = new DownloadProgressBar(this);
                try
                {
                    WriteObject(ExtractorLibrary.Load(match, WriteVerbose, download, cancel.Token));
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not PipelineStoppedException)
                {
                    WriteItemError(e, match, "ExtractorLoadFailed");
                }
            }
        }
    }

    protected override void StopProcessing() => cancel.Cancel();

    public void Dispose() => cancel.Dispose();
}
