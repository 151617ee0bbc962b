using System.Management.Automation;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Reports;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes benchmark results to an Excel workbook with summary, runs, gate scores and plots.</para>
/// <para type="description">The workbook has a Summary sheet (task × method: mean and std of test MAE over the seeds,
/// best per task in bold, the paper's mean ± std, the paired difference and seeds won against STL and TL), a Details
/// sheet (the rest of each summary row: k, extractors, rows, improvement over STL, the paper's numbers apart, the
/// distance to them, validation MAE, time), a Runs sheet (every run), a GateScores sheet (task × extractor with a
/// colour scale, as the paper's Fig. 4) and a Plots sheet. The plots — improvement over STL vs dataset size (Fig. 2),
/// the gate-score heatmap (Fig. 4) and predicted-vs-actual parity plots per task — are also written as PNG files beside
/// the workbook, named &lt;workbook&gt;.&lt;plot&gt;.png. Files are written atomically and together: an existing
/// workbook or PNG is replaced only with -Force (without it, an error names each), and an export that fails leaves none
/// of them behind.</para>
/// <example><code>Export-MoeReport -ResultPath results.jsonl -Path results.xlsx</code></example>
/// <example><code>Invoke-MoeBenchmark -Config examples/quick.yaml | Export-MoeReport quick.xlsx -Force -PassThru</code></example>
/// </summary>
[Cmdlet(VerbsData.Export, "MoeReport", SupportsShouldProcess = true, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMoeReportCommand : BenchmarkResultsCmdlet
{
    /// <summary><para type="description">The workbook to write (.xlsx).</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Replace an existing workbook and existing PNG plots beside it.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Output the workbook and PNG files written.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        string target = ResolvePath(Path);
        if (Results.Count == 0)
        {
            Fail(new InvalidOperationException("There are no benchmark results to report."), target, "NoResults");
        }
        if (!string.Equals(System.IO.Path.GetExtension(target), ".xlsx", StringComparison.OrdinalIgnoreCase))
            WriteWarning($"'{target}' does not end in .xlsx; Excel may refuse to open it.");
        if (!MayWrite(target, Force, $"Write a benchmark workbook of {Results.Count} runs and its PNG plots", terminating: true)) return;
        try
        {
            var files = MoeReport.Write(target, Results, overwrite: Force);
            WriteVerbose($"Wrote {files.Workbook} and {files.Images.Count} PNG plots.");
            if (PassThru) foreach (string f in files.Images.Prepend(files.Workbook)) WriteObject(new FileInfo(f));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            Fail(e, target, "ReportNotWritten");
        }
    }
}
