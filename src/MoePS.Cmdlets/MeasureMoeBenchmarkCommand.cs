using System.Management.Automation;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Summarises benchmark results: mean ± std of test MAE per task and method, improvement over STL, and the paper's value.</para>
/// <para type="description">Takes BenchmarkResult objects from the pipeline (Invoke-MoeBenchmark) or reads result files (-ResultPath). Runs of the same task, method and settings are averaged over their seeds; each summary carries the improvement over the task's STL runs in percent and, where the paper reports the same setting (Table 3, 4 or 1 of Chang, Wang &amp; Ertekin 2022), the paper's value and our/paper ratio. The summaries are flat, so Export-Csv and Export-Excel give clean sheets.</para>
/// <example><code>Measure-MoeBenchmark -ResultPath results.jsonl | Format-Table</code></example>
/// <example><code>Invoke-MoeBenchmark -Config examples/quick.yaml | Measure-MoeBenchmark | Export-Csv summary.csv</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "MoeBenchmark", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(BenchmarkSummary))]
public sealed class MeasureMoeBenchmarkCommand : BenchmarkResultsCmdlet
{
    protected override void EndProcessing()
    {
        if (Results.Count == 0) return;
        foreach (var summary in BenchmarkStatistics.Summarise(Results)) WriteObject(summary);
    }
}
