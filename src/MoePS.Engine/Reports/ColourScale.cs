using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace MoePS.Engine.Reports;

/// <summary>A two-colour scale over a block of columns (header in row 1), like the paper's Fig. 4 shading.</summary>
public sealed record ColourScale(int FirstColumn, int LastColumn, string LowColour = "FFFFFFFF", string HighColour = "FF2E75B6")
{
    internal ConditionalFormatting ToConditionalFormatting(int lastRow)
    {
        string range = $"{WorkbookBuilder.ColumnName(FirstColumn)}2:{WorkbookBuilder.ColumnName(LastColumn)}{lastRow}";
        var rule = new ConditionalFormattingRule(new DocumentFormat.OpenXml.Spreadsheet.ColorScale(
            new ConditionalFormatValueObject { Type = ConditionalFormatValueObjectValues.Number, Val = "0" },
            new ConditionalFormatValueObject { Type = ConditionalFormatValueObjectValues.Max },
            new DocumentFormat.OpenXml.Spreadsheet.Color { Rgb = LowColour },
            new DocumentFormat.OpenXml.Spreadsheet.Color { Rgb = HighColour }))
        { Type = ConditionalFormatValues.ColorScale, Priority = 1 };
        return new ConditionalFormatting(rule) { SequenceOfReferences = new ListValue<StringValue> { InnerText = range } };
    }
}
