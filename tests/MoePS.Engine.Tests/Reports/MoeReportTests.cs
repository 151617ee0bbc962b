using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Reports;
using MoePS.Engine.Tests.Benchmarks;
using Xunit;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Reports;

public sealed class MoeReportTests : IDisposable
{
    static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    readonly string folder = Directory.CreateTempSubdirectory("moeps-report-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TheWorkbookIsValidAndHasEverySheetTableAndPicture()
    {
        var results = BenchmarkFixtures.TwoTasks();
        string path = Path.Combine(folder, "bench.xlsx");
        var files = MoeReport.Write(path, results, overwrite: false);

        Assert.Equal(path, files.Workbook);
        using var doc = SpreadsheetDocument.Open(path, false);
        var errors = new OpenXmlValidator().Validate(doc).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path?.XPath}: {e.Description}")));

        var book = doc.WorkbookPart!;
        var sheets = book.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(new[] { "Summary", "Details", "Runs", "GateScores", "Plots" }, sheets.Select(s => s.Name!.Value));
        WorksheetPart Part(string name) => (WorksheetPart)book.GetPartById(sheets.Single(s => s.Name == name).Id!);

        // Header + one row per summary / run / mixture setting, each an Excel table over exactly that range.
        Assert.Equal(1 + 6, Part("Summary").Worksheet.Descendants<Row>().Count());
        Assert.Equal(1 + 6, Part("Details").Worksheet.Descendants<Row>().Count());
        Assert.Equal(1 + results.Count, Part("Runs").Worksheet.Descendants<Row>().Count());
        Assert.Equal(1 + 2, Part("GateScores").Worksheet.Descendants<Row>().Count());
        Assert.Equal("A1:L7", Part("Summary").TableDefinitionParts.Single().Table.Reference!.Value);
        Assert.Equal("A1:O7", Part("Details").TableDefinitionParts.Single().Table.Reference!.Value);
        Assert.Equal($"A1:Q{results.Count + 1}", Part("Runs").TableDefinitionParts.Single().Table.Reference!.Value);
        Assert.Equal("A1:F3", Part("GateScores").TableDefinitionParts.Single().Table.Reference!.Value);
        Assert.Single(Part("GateScores").Worksheet.Descendants<ColorScale>());
        Assert.NotEmpty(Part("Summary").Worksheet.Descendants<Column>());

        // Fig. 2, Fig. 4, and one parity plot per task.
        var images = Part("Plots").DrawingsPart!.ImageParts.ToList();
        Assert.Equal(4, images.Count);
        Assert.Equal(4, files.Images.Count);
        foreach (var png in files.Images)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(PngSignature, bytes[..8]);
        }
        Assert.Contains(files.Images, p => p.EndsWith("bench.fig2-improvement-vs-size.png", StringComparison.Ordinal));
        Assert.Contains(files.Images, p => p.EndsWith("bench.fig4-gate-scores.png", StringComparison.Ordinal));
        Assert.Contains(files.Images, p => p.EndsWith("bench.parity-mp_poisson_ratio.png", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void TheBestMethodOfEachTaskIsBold()
    {
        string path = Path.Combine(folder, "bold.xlsx");
        MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: false);
        using var doc = SpreadsheetDocument.Open(path, false);
        var book = doc.WorkbookPart!;
        var summary = (WorksheetPart)book.GetPartById(book.Workbook.Sheets!.Elements<Sheet>().First().Id!);
        var strings = book.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList();
        var boldMethods = summary.Worksheet.Descendants<Row>().Skip(1)
            .Where(r => r.Elements<Cell>().Any(c => c.CellReference!.Value!.StartsWith('F') && c.StyleIndex!.Value == (uint)ReportStyle.MaeBold))
            .Select(r => strings[int.Parse(r.Elements<Cell>().Single(c => c.CellReference!.Value!.StartsWith('B')).CellValue!.Text, CultureInfo.InvariantCulture)])
            .ToList();
        Assert.Equal(new[] { "MoE", "MoE" }, boldMethods);
    }

    [Fact]
    public void TheSummaryShowsThePairedComparisonsAndTheDetailsThePaperDistance()
    {
        string path = Path.Combine(folder, "paired.xlsx");
        MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: false);
        using var doc = SpreadsheetDocument.Open(path, false);
        var book = doc.WorkbookPart!;
        var strings = book.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList();
        var summary = SheetTable(book, "Summary", strings);
        var details = SheetTable(book, "Details", strings);

        // Rows 1-3: jarvis_2d_gap_tbmbj STL (1.40, 1.20), TL (1.70, 1.50), MoE (1.10, 1.00) on seeds 0 and 1.
        Assert.Equal((1.30 - 1.31) / 0.29, details.Number(1, "Paper stds off"), 12);
        Assert.Equal(1.31, details.Number(1, "Paper mean"), 12);
        Assert.Equal("1.31 ± 0.29", summary.Text(1, "Paper"));
        Assert.Equal(1.30, summary.Number(1, "Mean"), 12);
        Assert.Equal(((1.10 - 1.40) + (1.00 - 1.20)) / 2, summary.Number(3, "Δ vs STL"), 12);
        Assert.Equal("2/2", summary.Text(3, "Wins vs STL"));
        Assert.Equal(((1.10 - 1.70) + (1.00 - 1.50)) / 2, summary.Number(3, "Δ vs TL"), 12);
        Assert.Equal("2/2", summary.Text(3, "Wins vs TL"));
        Assert.Equal(((1.70 - 1.40) + (1.50 - 1.20)) / 2, summary.Number(2, "Δ vs STL"), 12);
        Assert.Equal("0/2", summary.Text(2, "Wins vs STL"));
        Assert.False(summary.Has(1, "Δ vs STL")); // STL itself: empty
    }

    sealed record SheetCells(List<Row> Rows, List<string> Strings)
    {
        string Column(string header) => new(Rows[0].Elements<Cell>()
            .Single(c => Strings[int.Parse(c.CellValue!.Text, CultureInfo.InvariantCulture)] == header).CellReference!.Value!.TakeWhile(char.IsLetter).ToArray());
        Cell? At(int row, string header) => Rows[row].Elements<Cell>().SingleOrDefault(c => c.CellReference!.Value == Column(header) + (row + 1));
        public bool Has(int row, string header) => At(row, header) != null;
        public double Number(int row, string header) => double.Parse(At(row, header)!.CellValue!.Text, CultureInfo.InvariantCulture);
        public string Text(int row, string header) => Strings[int.Parse(At(row, header)!.CellValue!.Text, CultureInfo.InvariantCulture)];
    }

    static SheetCells SheetTable(WorkbookPart book, string name, List<string> strings)
    {
        var part = (WorksheetPart)book.GetPartById(book.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name).Id!);
        return new SheetCells(part.Worksheet.Descendants<Row>().ToList(), strings);
    }

    [Fact]
    public void ResultsWithoutMixturesOrParityStillGiveAValidWorkbook()
    {
        var stlOnly = new[] { BenchmarkFixtures.Run("expt_eform", LearningMethod.STL, 0, 0.12, rows: 1709) };
        string path = Path.Combine(folder, "plain.xlsx");
        var files = MoeReport.Write(path, stlOnly, overwrite: false);
        Assert.Empty(files.Images);
        using var doc = SpreadsheetDocument.Open(path, false);
        Assert.Empty(new OpenXmlValidator().Validate(doc));
        Assert.Equal(5, doc.WorkbookPart!.Workbook.Sheets!.Count());
    }

    [Fact]
    public void AnExistingWorkbookIsOnlyReplacedWhenAskedTo()
    {
        string path = Path.Combine(folder, "exists.xlsx");
        File.WriteAllText(path, "not a workbook");
        Assert.Throws<IOException>(() => MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: false));
        Assert.Equal("not a workbook", File.ReadAllText(path));
        MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: true);
        using var doc = SpreadsheetDocument.Open(path, false);
        Assert.Empty(new OpenXmlValidator().Validate(doc));
    }

    [Fact]
    public void AnExistingPlotBesideTheWorkbookIsOnlyReplacedWhenAskedTo()
    {
        string path = Path.Combine(folder, "plots.xlsx");
        string png = Path.Combine(folder, "plots.fig2-improvement-vs-size.png");
        File.WriteAllText(png, "an older plot");
        var e = Assert.Throws<IOException>(() => MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: false));
        Assert.Equal($"'{png}' already exists; use -Force to overwrite it.", e.Message);
        Assert.Equal("an older plot", File.ReadAllText(png));
        Assert.Equal(new[] { png }, Directory.GetFiles(folder));

        var files = MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: true);
        Assert.Contains(png, files.Images);
        Assert.Equal(PngSignature, File.ReadAllBytes(png)[..8]);
    }

    [Fact]
    public void AFailedExportLeavesNoFileBehind()
    {
        // The workbook's path is a folder: nothing can be moved there, even with overwrite.
        string path = Path.Combine(folder, "blocked.xlsx");
        Directory.CreateDirectory(path);
        Assert.ThrowsAny<IOException>(() => MoeReport.Write(path, BenchmarkFixtures.TwoTasks(), overwrite: true));
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Empty(Directory.GetFiles(path));
    }

    [Fact]
    public void TheGateTableAveragesSeedsPerTask()
    {
        var table = GateScoreTable.From(BenchmarkFixtures.TwoTasks());
        Assert.Equal(new[] { "jarvis_2d_gap_tbmbj", "mp_poisson_ratio" }, table.RowLabels);
        Assert.Equal(BenchmarkFixtures.Extractors, table.Extractors);
        Assert.Equal(0.55, table.Scores[0, 0], 12);
        Assert.Equal(0.45, table.Scores[0, 1], 12);
        Assert.Equal(0.85, table.Scores[1, 2], 12);
        Assert.Equal(0.0, table.Scores[1, 3], 12);
    }

    [Fact]
    public void ColumnNamesFollowSpreadsheetLetters()
    {
        Assert.Equal("A", WorkbookBuilder.ColumnName(0));
        Assert.Equal("Z", WorkbookBuilder.ColumnName(25));
        Assert.Equal("AA", WorkbookBuilder.ColumnName(26));
        Assert.Equal("AZ", WorkbookBuilder.ColumnName(51));
        Assert.Equal("BA", WorkbookBuilder.ColumnName(52));
    }
}
