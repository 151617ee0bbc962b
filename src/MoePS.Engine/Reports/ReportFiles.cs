namespace MoePS.Engine.Reports;

/// <summary>What <see cref="MoeReport.Write"/> produced.</summary>
public sealed record ReportFiles(string Workbook, IReadOnlyList<string> Images, IReadOnlyList<string> Sheets)
{
    public override string ToString() => $"{Workbook} (+{Images.Count} PNG)";
}
