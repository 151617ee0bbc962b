using System.Management.Automation;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Summarises benchmark results: mean ± std of test MAE per task and method, improvement over
/// STL, the paper's value, and paired comparisons with STL and TL over the same seeds.</para>
/// <para type="description">Takes BenchmarkResult objects from the pipeline (Invoke-MoeBenchmark) or reads result files
/// (-ResultPath). Runs of the same task, method and settings are averaged over their seeds; each summary carries the
/// improvement over the task's STL runs in percent and, where the paper reports the same setting (Table 3, 4 or 1 of
/// Chang, Wang &amp; Ertekin 2022), the paper's value, our/paper ratio and our distance from the paper's mean in units
/// of its std (DifferenceInPaperStds). TL and the mixtures are also compared with STL, and the mixtures with TL, seed
/// by seed over the seeds both ran (seed K is split K): the mean paired difference of test MAE (negative: better) and
/// on how many seeds they won (VersusSTL, VersusTL: "-0.012 (4/5 better)"). A task's STL or TL baseline is its run set
/// of that method whose settings are closest to the runs' (TL from the paper's source, mp_eform, before TL from another), then
/// with the most seeds. Each summary says what was trained in a few words (Variant: "TL from mp_eform", "TL from
/// tensornet_matpes_pbe", "MoE-18", "MoE-19 (k=4, gateStart=Probe)"), with its experts' names (Extractors) and the gate's
/// start (GateStart); a mixture whose gate did not start at the paper's ones has no paper value. The summaries are flat, so
/// Export-Csv and Export-Excel give clean sheets.</para>
/// <example><code>Measure-MoeBenchmark -ResultPath results.jsonl | Format-Table</code></example>
/// <example><code>Invoke-MoeBenchmark -Config examples/quick.yaml | Measure-MoeBenchmark | Export-Csv summary.csv</code></example>
/// <example><code>Measure-MoeBenchmark -ResultPath results.jsonl | Format-Table Task, Method, TestMAE, Paper, DifferenceInPaperStds, VersusSTL, VersusTL</code></example>
/// <example><code>Measure-MoeBenchmark -ResultPath results/table3-fast.jsonl, results/table3-tensornet.jsonl | Format-Table Task, Variant, Seeds, TestMAE, VersusTL</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "MoeBenchmark", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(BenchmarkSummary))]
public sealed class MeasureMoeBenchmarkCommand : BenchmarkResultsCmdlet
{
    protected override void EndProcessing()
    {
        if (Results.Count == 0) return;
        IReadOnlyList<BenchmarkSummary> summaries;
        try
        {
            summaries = BenchmarkStatistics.Summarise(Results);
        }
        catch (InvalidOperationException e)
        {
            Fail(e, Results, "ResultsNotComparable");
            return;
        }
        foreach (var summary in summaries) WriteObject(summary);
    }
}
