using System.Management.Automation;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// Base of the cmdlets that consume benchmark results: from the pipeline (-InputObject) or from
/// JSON Lines result files (-ResultPath), collected until EndProcessing.
/// </summary>
public abstract class BenchmarkResultsCmdlet : MoeCmdlet
{
    protected const string PipelineSet = "Pipeline", FileSet = "File";

    /// <summary>Everything received so far.</summary>
    protected List<BenchmarkResult> Results { get; } = new();

    /// <summary><para type="description">Benchmark results, usually from Invoke-MoeBenchmark.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    public BenchmarkResult[] InputObject { get; set; } = Array.Empty<BenchmarkResult>();

    /// <summary><para type="description">JSON Lines result files written by Invoke-MoeBenchmark.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string[] ResultPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PipelineSet)
        {
            Results.AddRange(InputObject.Where(r => r != null));
            return;
        }
        foreach (string path in ResultPath)
        {
            string full = ResolvePath(path);
            try
            {
                if (!File.Exists(full)) throw new FileNotFoundException($"Result file '{full}' not found.", full);
                Results.AddRange(new ResultStore(full).Read(out bool truncated));
                if (truncated) WriteWarning($"{full}: the last line is incomplete (a run interrupted while writing) and was skipped.");
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                WriteItemError(e, full, "ResultFileUnreadable");
            }
        }
    }
}
