using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models.TensorNet;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Loads the MoE paper's pre-trained extractors, and other experts found locally, by name.</para>
/// <para type="description">Looks in $env:MOEPS_DATA_PATH (extractors/&lt;name&gt;.safetensors + .json, atom_init.json
/// at the root; or extractors/pytorch/&lt;name&gt;.pth.tar) and the user cache; otherwise downloads the public
/// checkpoint (pinned URL and SHA-256, with a progress bar) and converts it once. A download fails after 30 s without a
/// connection or 60 s without data ($env:MOEPS_DOWNLOAD_CONNECT_SECONDS, $env:MOEPS_DOWNLOAD_STALL_SECONDS), with an
/// error naming the URL and the path where the file can be put by hand; $env:MOEPS_DOWNLOAD_MIRROR fetches from a
/// mirror instead, $env:MOEPS_OFFLINE=1 forbids downloads. Experts of other kinds are listed when a data folder has
/// them, as experts/&lt;name&gt;/ with model.json and state.pt: MatGL's TensorNet universal potential
/// (experts/tensornet_matpes_pbe) is one, used frozen in a mixture; they are never downloaded. Without -Name, the 18
/// and every such expert found (19 with the TensorNet potential). Names accept wildcards.</para>
/// <example><code>Get-Extractor mp_eform, jarvis_eform</code></example>
/// <example><code>Get-Extractor | New-MixtureModel -TopK 4</code></example>
/// <example><code>Get-Extractor tensornet_matpes_pbe | Format-List Name, Kind, FeatureLength, Source, Licence</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Extractor")]
[OutputType(typeof(Extractor), typeof(TensorNetExpert))]
public sealed class GetExtractorCommand : MoeCmdlet, IDisposable
{
    readonly CancellationTokenSource cancel = new();

    /// <summary><para type="description">Extractor names (e.g. mp_eform, tensornet_matpes_pbe); wildcards allowed. Default: the 18 and the other experts found.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ExtractorNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string name in Name is { Length: > 0 } ? Name : new[] { "*" })
        {
            var known = PaperExtractors.Names.Concat(ExpertLibrary.FrozenExpertsAvailable()).ToList();
            var matches = WildcardPattern.ContainsWildcardCharacters(name)
                ? known.Where(n => new WildcardPattern(name, WildcardOptions.IgnoreCase).IsMatch(n)).ToList()
                : new List<string> { name };
            if (matches.Count == 0)
                WriteItemError(new ArgumentException($"No extractor matches '{name}'. Known: {string.Join(", ", known)}."), name, "ExtractorNotFound");
            foreach (string match in matches)
            {
                using var download = new DownloadProgressBar(this);
                try
                {
                    WriteObject(ExpertLibrary.Load(match, WriteVerbose, download, cancel.Token));
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
