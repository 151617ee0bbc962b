using System.Management.Automation;
using MoePS.Engine.Benchmarks;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">What keeping the best-validated of several methods gives: per task and seed, the candidate run
/// with the lowest validation MAE, summarised as Measure-MoeBenchmark summarises one method.</para>
/// <para type="description">A user who trains several models (say TL and two mixtures) and keeps the one with the lowest
/// validation MAE gets, on each seed, the kept model's test MAE; this cmdlet computes that from benchmark results without
/// ever reading the test MAE to choose. Candidates are named as Measure-MoeBenchmark's Variant column names run sets
/// ("TL from mp_eform", "MoE-18", "MoE-19 (k=4, gateStart=Probe)"); a tie goes to the earlier candidate, and only seeds that
/// every candidate ran count. Per task it outputs the kept runs' mean ± std, which candidate each seed kept, paired
/// comparisons with STL and with TL from mp_eform (of the same recipe), and whether the mean is at or below the paper's
/// MoE-18. With -PerSeed it outputs the kept runs instead (task, seed, candidate, test and validation MAE).</para>
/// <example><code>Measure-ValidatedChoice -ResultPath results.jsonl -Candidate 'TL from mp_eform', 'MoE-18' | Format-Table Task, TestMAE, Kept, VersusTL</code></example>
/// <example><code>Measure-ValidatedChoice -ResultPath results/table3-fast.jsonl, results/table3-tensornet.jsonl -Candidate 'TL from mp_eform', 'TL from tensornet_matpes_pbe', 'MoE-18', 'MoE-19 (k=4, gateStart=Probe)'</code></example>
/// <example><code>Invoke-MoeBenchmark -Config plan.yaml | Measure-ValidatedChoice -Candidate 'TL from mp_eform', 'MoE-18' -PerSeed | Export-Csv kept.csv</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ValidatedChoice", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(ValidatedChoiceSummary), typeof(ValidatedRun))]
public sealed class MeasureValidatedChoiceCommand : BenchmarkResultsCmdlet
{
    /// <summary><para type="description">The methods to choose among, by Measure-MoeBenchmark's Variant names, in the
    /// order that settles a tie of validation MAE. With -ResultPath on the line, Tab offers the names its files hold.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VariantCompleter))]
    public string[] Candidate { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Output the kept run of every task and seed instead of one summary per task.</para></summary>
    [Parameter]
    public SwitchParameter PerSeed { get; set; }

    protected override void EndProcessing()
    {
        if (Results.Count == 0) return;
        try
        {
            if (PerSeed)
                foreach (var run in ValidationChoice.Choose(Results, Candidate)) WriteObject(run);
            else
                foreach (var summary in ValidationChoice.Summarise(Results, Candidate)) WriteObject(summary);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            Fail(e, Candidate, "CandidatesNotComparable");
        }
    }
}
