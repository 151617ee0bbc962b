namespace MoePS.Engine.Reports;

/// <summary>The cell styles a report uses; the value is the index into the stylesheet's cell formats.</summary>
public enum ReportStyle : uint
{
    Default = 0,
    Bold = 1,
    Mae = 2,
    MaeBold = 3,
    Percent = 4,
    Ratio = 5,
    Seconds = 6,
    Score = 7,
    WholeNumber = 8,
    /// <summary>Text aligned right, e.g. "4/5" or "1.31 ± 0.29" among numbers.</summary>
    RightText = 9,
}
