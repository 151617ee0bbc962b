using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace MoePS.Engine.Reports;

/// <summary>Builds the stylesheet behind <see cref="ReportStyle"/>.</summary>
static class WorkbookStyles
{
    // Custom number formats start at id 164; lower ids are Excel's built-ins (1 = "0").
    const uint MaeFormat = 164, PercentFormat = 165, RatioFormat = 166, SecondsFormat = 167, ScoreFormat = 168;

    public static Stylesheet Create()
    {
        var formats = new NumberingFormats(
            new NumberingFormat { NumberFormatId = MaeFormat, FormatCode = "0.0000" },
            new NumberingFormat { NumberFormatId = PercentFormat, FormatCode = "0.0\"%\"" },
            new NumberingFormat { NumberFormatId = RatioFormat, FormatCode = "0.00" },
            new NumberingFormat { NumberFormatId = SecondsFormat, FormatCode = "0.0" },
            new NumberingFormat { NumberFormatId = ScoreFormat, FormatCode = "0.000" }) { Count = 5 };
        var fonts = new Fonts(Font(bold: false), Font(bold: true)) { Count = 2 };
        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 };
        var borders = new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 };
        var styleFormats = new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 };

        // In ReportStyle order.
        var cellFormats = new CellFormats(
            Format(0, bold: false),
            Format(0, bold: true),
            Format(MaeFormat, bold: false),
            Format(MaeFormat, bold: true),
            Format(PercentFormat, bold: false),
            Format(RatioFormat, bold: false),
            Format(SecondsFormat, bold: false),
            Format(ScoreFormat, bold: false),
            Format(1, bold: false),
            RightAligned(Format(0, bold: false)));
        cellFormats.Count = (uint)cellFormats.ChildElements.Count;
        var cellStyles = new CellStyles(new DocumentFormat.OpenXml.Spreadsheet.CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 };
        return new Stylesheet(formats, fonts, fills, borders, styleFormats, cellFormats, cellStyles);
    }

    static CellFormat RightAligned(CellFormat format)
    {
        format.ApplyAlignment = true;
        format.Append(new Alignment { Horizontal = HorizontalAlignmentValues.Right });
        return format;
    }

    static Font Font(bool bold)
    {
        var font = new Font();
        if (bold) font.Append(new Bold());
        font.Append(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 });
        return font;
    }

    static CellFormat Format(uint numberFormat, bool bold) => new()
    {
        NumberFormatId = numberFormat,
        FontId = bold ? 1u : 0u,
        FillId = 0,
        BorderId = 0,
        FormatId = 0,
        ApplyNumberFormat = numberFormat != 0 ? BooleanValue.FromBoolean(true) : null,
        ApplyFont = bold ? BooleanValue.FromBoolean(true) : null,
    };
}
