namespace MoePS.Engine.Reports;

/// <summary>One cell to write: text or a number (null = empty), in a style.</summary>
public readonly record struct CellData(string? Text, double? Number, ReportStyle Style)
{
    public static CellData Of(string? text, ReportStyle style = ReportStyle.Default) => new(text, null, style);
    public static CellData Of(double? number, ReportStyle style) =>
        new(null, number is double d && double.IsFinite(d) ? d : null, style);
}
