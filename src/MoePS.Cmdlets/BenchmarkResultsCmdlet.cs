using System.Management.Automation;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// Base of the cmdlets that consume benchmark results: from the pipeline (-InputObject), from
/// JSON Lines result files (-ResultPath) or from the result files of plans (-Config), collected until EndProcessing.
/// </summary>
public abstract class BenchmarkResultsCmdlet : MoeCmdlet
{
    protected const string PipelineSet = "Pipeline", FileSet = "File", PlanSet = "Plan";

    /// <summary>Everything received so far.</summary>
    protected List<BenchmarkResult> Results { get; } = new();

    /// <summary><para type="description">Benchmark results, usually from Invoke-MoeBenchmark.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    public BenchmarkResult[] InputObject { get; set; } = Array.Empty<BenchmarkResult>();

    /// <summary><para type="description">JSON Lines result files written by Invoke-MoeBenchmark.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string[] ResultPath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para type="description">Benchmark plans (YAML): reads each plan's result file once and names every run's settings from the
    /// plan where the file does not (result files written before results carried their settings).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PlanSet)]
    public string[] Config { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PipelineSet:
                Results.AddRange(InputObject.Where(r => r != null));
                break;
            case FileSet:
                foreach (string path in ResultPath) Results.AddRange(ReadResults(ResolvePath(path)));
                break;
            default:
                var plans = new List<ExperimentPlan>();
                foreach (string path in Config)
                {
                    string full = ResolvePath(path);
                    try
                    {
                        plans.Add(ExperimentPlanReader.Load(full));
                    }
                    catch (Exception e) when (e is ExperimentPlanException or IOException)
                    {
                        WriteItemError(e, full, "PlanUnreadable");
                    }
                }
                foreach (var file in plans.GroupBy(p => p.ResultPath, StringComparer.Ordinal))
                    Results.AddRange(file.Aggregate(ReadResults(file.Key), (results, plan) => plan.Label(results)));
                break;
        }
    }

    IEnumerable<BenchmarkResult> ReadResults(string full)
    {
        try
        {
            if (!File.Exists(full)) throw new FileNotFoundException($"Result file '{full}' not found.", full);
            var results = new ResultStore(full).Read(out bool truncated);
            if (truncated) WriteWarning($"{full}: the last line is incomplete (a run interrupted while writing) and was skipped.");
            foreach (string conflict in ResultConflicts.Of(results)) WriteWarning(conflict);
            return results;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            WriteItemError(e, full, "ResultFileUnreadable");
            return Array.Empty<BenchmarkResult>();
        }
    }
}
