using System.Management.Automation;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Imports a labelled crystal dataset: a Matminer/Matbench JSON(.gz) file, a CGCNN folder, or a dataset by name.</para>
/// <para type="description">-Path reads a Matminer/Matbench dataset file ({"index","columns","data"} with pymatgen
/// structures, optionally gzip-compressed) or a CGCNN folder (id_prop.csv plus &lt;id&gt;.cif). -Name reads one of the
/// paper's task keys found as tasks/&lt;key&gt;.json.gz under $env:MOEPS_DATA_PATH, or a Matbench v0.1 set
/// (matbench_jdft2d, …), which is downloaded once from its official URL (with a progress bar), checked against its
/// pinned SHA-256 and cached. A download fails after 30 s without a connection or 60 s without data
/// ($env:MOEPS_DOWNLOAD_CONNECT_SECONDS, $env:MOEPS_DOWNLOAD_STALL_SECONDS), with an error naming the URL and the path
/// where the file can be put by hand; $env:MOEPS_DOWNLOAD_MIRROR fetches from a mirror instead, $env:MOEPS_OFFLINE=1
/// forbids downloads. Rows with a missing, NaN or infinite target (null, or the bare NaN/Infinity that Python's
/// json.dumps writes) are skipped, with a warning giving their number.</para>
/// </summary>
/// <example>
/// <code>Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -Seed 0</code>
/// <para>Reads the paper's 2D band-gap (TBmBJ) task from $env:MOEPS_DATA_PATH and splits it randomly 70/15/15.</para>
/// </example>
/// <example>
/// <code>Import-CrystalDataset -Path ./my-cifs</code>
/// <para>Reads a CGCNN folder: id_prop.csv with one "id,target" line per structure (no header), beside the &lt;id&gt;.cif files.</para>
/// </example>
/// <example>
/// <code>Import-CrystalDataset -Name matbench_jdft2d</code>
/// <para>Downloads the Matbench exfoliation-energy set on first use (checked against its SHA-256), then reads it from the cache.</para>
/// </example>
[Cmdlet(VerbsData.Import, "CrystalDataset", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrystalDataset))]
public sealed class ImportCrystalDatasetCommand : MoeCmdlet, IDisposable
{
    const string PathSet = "Path", NameSet = "Name";
    readonly CancellationTokenSource cancel = new();

    /// <summary><para type="description">Dataset file (.json, .json.gz) or CGCNN folder. Wildcards allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">A paper task key (found under $env:MOEPS_DATA_PATH) or a Matbench v0.1 dataset name.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Target column. Default: the task's documented target, else the first numeric
    /// column after "structure".</para></summary>
    [Parameter]
    public string? Target { get; set; }

    /// <summary><para type="description">Reject (default) refuses partly occupied sites; MajoritySpecies keeps the majority element.</para></summary>
    [Parameter]
    public DisorderPolicy Disorder { get; set; } = DisorderPolicy.Reject;

    protected override void ProcessRecord()
    {
        var options = new DatasetReadOptions { Target = Target, Disorder = Disorder, Warn = WriteWarning };
        if (ParameterSetName == NameSet)
        {
            foreach (var name in Name)
            {
                using var download = new DownloadProgressBar(this);
                Import(name, () => NamedDatasets.Read(name, options, download, cancel.Token));
            }
            return;
        }
        foreach (var path in Path)
        {
            IReadOnlyList<string> resolved;
            try { resolved = ProviderPaths.Resolve(this, path); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, path, "DatasetPathNotFound"); continue; }
            foreach (var file in resolved) Import(file, () => DatasetFile.Read(file, options));
        }
    }

    void Import(string what, Func<DatasetReadResult> read)
    {
        DatasetReadResult result;
        try { result = read(); }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { return; }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, what, "DatasetImportFailed"); return; }
        if (result.SkippedRows > 0)
            WriteWarning($"Skipped {result.SkippedRows} row(s) of '{result.Dataset.Source}' with a missing, NaN or infinite target '{result.Dataset.TargetName}'.");
        WarnOfDuplicateIds(result.Dataset);
        WriteVerbose($"{result.Dataset} from {result.Dataset.Source}");
        WriteObject(result.Dataset);
    }

    protected override void StopProcessing() => cancel.Cancel();

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends.</summary>
    public void Dispose() => cancel.Dispose();
}
