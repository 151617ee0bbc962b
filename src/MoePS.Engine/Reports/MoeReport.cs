using MoePS.Engine.Runtime;
using MoePS.Engine.Benchmarks;

namespace MoePS.Engine.Reports;

/// <summary>
/// The benchmark workbook: Summary (task × method beside the paper, best per task in bold),
/// Runs (every run), GateScores (task × extractor with a colour scale) and Plots (Fig. 2, Fig. 4
/// and parity plots, also written as PNG files beside the workbook).
/// </summary>
public static class MoeReport
{
    public const string SummarySheet = "Summary", RunsSheet = "Runs", GateSheet = "GateScores", PlotsSheet = "Plots";

    public static ReportFiles Write(string path, IReadOnlyCollection<BenchmarkResult> results, bool overwrite)
    {
        if (results.Count == 0) throw new ArgumentException("There are no benchmark results to report.", nameof(results));
        string workbook = Path.GetFullPath(path);
        if (!overwrite && File.Exists(workbook))
            throw new IOException($"'{workbook}' already exists; use -Force to overwrite it.");

        var summaries = BenchmarkStatistics.Summarise(results);
        var gates = GateScoreTable.From(results);
        var images = Images(results, summaries, gates);

        string folder = Path.GetDirectoryName(workbook)!;
        string stem = Path.GetFileNameWithoutExtension(workbook);
        var imagePaths = new List<string>();
        foreach (var image in images)
        {
            string png = Path.Combine(folder, $"{stem}.{image.Name}.png");
            AtomicFile.WriteAllBytes(png, image.Png, overwrite: true);
            imagePaths.Add(png);
        }

        var sheets = new List<string> { SummarySheet, RunsSheet, GateSheet, PlotsSheet };
        AtomicFile.Write(workbook, overwrite, temp =>
        {
            using var book = new WorkbookBuilder(temp);
            book.AddTableSheet(SummarySheet, "Summary", ReportTables.SummaryHeader, ReportTables.SummaryRows(summaries));
            book.AddTableSheet(RunsSheet, "Runs", ReportTables.RunHeader, results.Select(ReportTables.RunRow).ToList());
            if (gates.RowLabels.Count > 0)
                book.AddTableSheet(GateSheet, "GateScores", ReportTables.GateHeader(gates), ReportTables.GateRows(gates),
                    new ColourScale(ReportTables.GateFirstScoreColumn, ReportTables.GateFirstScoreColumn + gates.Extractors.Count - 1));
            else
                book.AddNoteSheet(GateSheet, "No gate scores: the results have no mixture (MoE, Ensemble, Concat) runs.");
            if (images.Count > 0) book.AddPictureSheet(PlotsSheet, images);
            else book.AddNoteSheet(PlotsSheet, "No plots: the results have neither STL-vs-transfer pairs, gate scores nor parity data.");
        });
        return new ReportFiles(workbook, imagePaths, sheets);
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
