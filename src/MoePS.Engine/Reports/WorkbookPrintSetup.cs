using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace MoePS.Engine.Reports;

/// <summary>
/// How the report's sheets print (and export to PDF): landscape, scaled to one page wide and as many pages
/// down as needed, narrow margins, the sheet name and page number in the footer, and a table's header row
/// repeated at the top of every page.
/// </summary>
static class WorkbookPrintSetup
{
    /// <summary>First element of a worksheet: turns on "fit to page", which <see cref="PageSetup"/> sizes.</summary>
    public static SheetProperties FitToPage() => new(new PageSetupProperties { FitToPage = true });

    /// <summary>The elements that follow the data (and conditional formats) of a worksheet, in schema order.</summary>
    public static IEnumerable<OpenXmlElement> PageLayout(IReadOnlyCollection<int>? rowBreaks = null)
    {
        yield return new PageMargins { Left = 0.4, Right = 0.4, Top = 0.5, Bottom = 0.6, Header = 0.3, Footer = 0.3 };
        // fitToHeight = 0: no limit on pages down, so long tables stay readable instead of shrinking to one page.
        yield return new PageSetup { Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 };
        yield return new HeaderFooter(new OddFooter("&L&A&RPage &P"));
        if (rowBreaks is { Count: > 0 })
            yield return new RowBreaks(rowBreaks.Select(r => new Break { Id = (uint)r, Max = 16383, ManualPageBreak = true }))
            {
                Count = (uint)rowBreaks.Count, ManualBreakCount = (uint)rowBreaks.Count,
            };
    }

    /// <summary>The defined name that repeats row 1 of sheet <paramref name="sheetIndex"/> (0-based) on every printed page.</summary>
    public static DefinedName HeaderRowOnEveryPage(int sheetIndex, string sheetName) =>
        new($"'{sheetName.Replace("'", "''", StringComparison.Ordinal)}'!$1:$1")
        {
            Name = "_xlnm.Print_Titles", LocalSheetId = (uint)sheetIndex,
        };
}
