using MoePS.Engine.Runtime;
using MoePS.Engine.Benchmarks;

namespace MoePS.Engine.Reports;

/// <summary>
/// The benchmark workbook: Summary (task × method: mean ± std over seeds beside the paper, paired wins over STL and
/// TL, best per task in bold), Details (the rest of each summary row), Runs (every run), GateScores (task × extractor with a colour scale) and Plots (Fig. 2, Fig. 4
/// and parity plots, also written as PNG files beside the workbook).
/// </summary>
public static class MoeReport
{
    public const string SummarySheet = "Summary", DetailsSheet = "Details", RunsSheet = "Runs", GateSheet = "GateScores", PlotsSheet = "Plots";

    public static ReportFiles Write(string path, IReadOnlyCollection<BenchmarkResult> results, bool overwrite)
    {
        if (results.Count == 0) throw new ArgumentException("There are no benchmark results to report.", nameof(results));
        string workbook = Path.GetFullPath(path);

        var summaries = BenchmarkStatistics.Summarise(results);
        var gates = GateScoreTable.From(results);
        var images = Images(results, summaries, gates);

        string folder = Path.GetDirectoryName(workbook)!;
        string stem = Path.GetFileNameWithoutExtension(workbook);
        var imagePaths = images.Select(image => Path.Combine(folder, $"{stem}.{image.Name}.png")).ToList();
        var sheets = new List<string> { SummarySheet, DetailsSheet, RunsSheet, GateSheet, PlotsSheet };
        // The workbook first: a workbook that cannot be written is found before any plot is moved into place.
        var files = new List<(string, Action<string>)> { (workbook, temp => WriteWorkbook(temp, results, summaries, gates, images)) };
        files.AddRange(images.Select((image, i) => (imagePaths[i], (Action<string>)(temp => File.WriteAllBytes(temp, image.Png)))));
        AtomicFile.WriteAll(files, overwrite);
        return new ReportFiles(workbook, imagePaths, sheets);
    }

    static void WriteWorkbook(string path, IReadOnlyCollection<BenchmarkResult> results, IReadOnlyList<BenchmarkSummary> summaries,
        GateScoreTable gates, List<ReportImage> images)
    {
        using var book = new WorkbookBuilder(path);
        book.AddTableSheet(SummarySheet, "Summary", ReportTables.SummaryHeader, ReportTables.SummaryRows(summaries));
        book.AddTableSheet(DetailsSheet, "Details", ReportTables.DetailsHeader, ReportTables.DetailsRows(summaries));
        book.AddTableSheet(RunsSheet, "Runs", ReportTables.RunHeader, results.Select(ReportTables.RunRow).ToList());
        if (gates.RowLabels.Count > 0)
            book.AddTableSheet(GateSheet, "GateScores", ReportTables.GateHeader(gates), ReportTables.GateRows(gates),
                new ColourScale(ReportTables.GateFirstScoreColumn, ReportTables.GateFirstScoreColumn + gates.Extractors.Count - 1));
        else
            book.AddNoteSheet(GateSheet, "No gate scores: the results have no mixture (MoE, Ensemble, Concat) runs.");
        if (images.Count > 0) book.AddPictureSheet(PlotsSheet, images);
        else book.AddNoteSheet(PlotsSheet, "No plots: the results have neither STL-vs-transfer pairs, gate scores nor parity data.");
    }

    static List<ReportImage> Images(IReadOnlyCollection<BenchmarkResult> results, IReadOnlyList<BenchmarkSummary> summaries, GateScoreTable gates)
    {
        var images = new List<ReportImage?> { ReportPlots.ImprovementVsSize(summaries), ReportPlots.GateHeatmap(gates) };
        foreach (var task in results.Where(r => r.Parity != null).GroupBy(r => r.Task))
        {
            var variants = task.GroupBy(r => (r.Method, r.ConfigHash))
                .Select(g => g.OrderBy(r => r.Seed).First())
                .OrderBy(r => r.Method).ThenBy(r => r.TopK ?? int.MaxValue)
                .ToList();
            var series = variants.Select(r => (Label: $"{r.Method}{(r.TopK is int k ? $" k={k}" : "")}, seed {r.Seed}", Data: r.Parity!)).ToList();
            images.Add(ReportPlots.Parity(task.Key, task.First().Unit, series));
        }
        return images.OfType<ReportImage>().ToList();
    }
}
