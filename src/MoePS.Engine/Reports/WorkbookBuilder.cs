using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace MoePS.Engine.Reports;

/// <summary>
/// A small xlsx writer over the Open XML SDK: sheets made of a header row and data rows, each
/// sheet's data an Excel table with column widths fitted to the content, colour scales, and
/// PNG pictures; every sheet prints one page wide (<see cref="WorkbookPrintSetup"/>). Write the
/// sheets, then <see cref="Dispose"/> saves the package.
/// </summary>
sealed class WorkbookBuilder : IDisposable
{
    const long EmuPerPixel = 9525;
    const int PixelsPerRow = 20;
    /// <summary>Tallest a picture is shown (px), so that it and its title fit one landscape page at full width.</summary>
    const int MaxPictureHeight = 600;

    readonly SpreadsheetDocument document;
    readonly WorkbookPart workbook;
    readonly Sheets sheets;
    readonly SharedStringTablePart strings;
    readonly Dictionary<string, int> stringIndex = new(StringComparer.Ordinal);
    readonly List<DefinedName> printTitles = new();
    uint nextSheetId = 1, nextTableId = 1;

    public WorkbookBuilder(string path)
    {
        document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        sheets = workbook.Workbook.AppendChild(new Sheets());
        workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = WorkbookStyles.Create();
        strings = workbook.AddNewPart<SharedStringTablePart>();
        strings.SharedStringTable = new SharedStringTable();
    }

    /// <summary>A sheet whose first row is <paramref name="header"/> and the rest <paramref name="rows"/>, as an Excel table.</summary>
    public WorksheetPart AddTableSheet(string sheetName, string tableName, IReadOnlyList<string> header,
        IReadOnlyList<IReadOnlyList<CellData>> rows, ColourScale? colourScale = null)
    {
        var part = NewSheet(sheetName);
        var data = new SheetData();
        data.Append(MakeRow(1, header.Select(h => CellData.Of(h, ReportStyle.Bold)).ToList()));
        for (int r = 0; r < rows.Count; r++) data.Append(MakeRow((uint)r + 2, rows[r]));

        var worksheet = new Worksheet(WorkbookPrintSetup.FitToPage(), FrozenHeader(nextSheetId == 2), Widths(header, rows), data);
        string range = $"A1:{ColumnName(header.Count - 1)}{rows.Count + 1}";
        if (colourScale is { } scale && rows.Count > 0)
            worksheet.Append(scale.ToConditionalFormatting(rows.Count + 1));
        worksheet.Append(WorkbookPrintSetup.PageLayout());
        part.Worksheet = worksheet;
        printTitles.Add(WorkbookPrintSetup.HeaderRowOnEveryPage(sheets.ChildElements.Count - 1, sheetName));
        if (rows.Count > 0) AddTable(part, tableName, range, header);
        return part;
    }

    /// <summary>A sheet with one line of text (used where there is no data to tabulate).</summary>
    public void AddNoteSheet(string sheetName, string note)
    {
        var part = NewSheet(sheetName);
        var data = new SheetData(MakeRow(1, new[] { CellData.Of(note) }));
        var columns = new Columns(new Column { Min = 1, Max = 1, Width = Math.Max(20, note.Length + 2), CustomWidth = true });
        part.Worksheet = new Worksheet(new OpenXmlElement[] { WorkbookPrintSetup.FitToPage(), columns, data }.Concat(WorkbookPrintSetup.PageLayout()));
    }

    /// <summary>A sheet of pictures stacked top to bottom, each under a bold title and printed on a page of its own.</summary>
    public void AddPictureSheet(string sheetName, IReadOnlyList<ReportImage> images)
    {
        var part = NewSheet(sheetName);
        var data = new SheetData();
        var drawingPart = part.AddNewPart<DrawingsPart>();
        var drawing = new Xdr.WorksheetDrawing();
        var pageBreaks = new List<int>();
        int row = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (i > 0) pageBreaks.Add(row);
            data.Append(MakeRow((uint)row + 1, new[] { CellData.Of(image.Title, ReportStyle.Bold) }));
            var imagePart = drawingPart.AddImagePart(ImagePartType.Png);
            using (var png = new MemoryStream(image.Png)) imagePart.FeedData(png);
            double scale = Math.Min(1.0, (double)MaxPictureHeight / image.Height);
            long width = (long)Math.Round(image.Width * scale), height = (long)Math.Round(image.Height * scale);
            drawing.Append(Anchor(drawingPart.GetIdOfPart(imagePart), (uint)i + 1, image, row + 1, width, height));
            row += 1 + (int)((height + PixelsPerRow - 1) / PixelsPerRow) + 2;
        }
        drawingPart.WorksheetDrawing = drawing;
        // Rows of exactly PixelsPerRow (15 pt), so that a picture spans the rows counted above and a page break falls between pictures.
        var rowHeight = new SheetFormatProperties { DefaultRowHeight = PixelsPerRow * 0.75, CustomHeight = true };
        part.Worksheet = new Worksheet(new OpenXmlElement[] { WorkbookPrintSetup.FitToPage(), rowHeight, data }
            .Concat(WorkbookPrintSetup.PageLayout(pageBreaks))
            .Append(new Drawing { Id = part.GetIdOfPart(drawingPart) }));
    }

    public void Dispose()
    {
        strings.SharedStringTable.Count = (uint)stringIndex.Count;
        strings.SharedStringTable.UniqueCount = (uint)stringIndex.Count;
        if (printTitles.Count > 0) workbook.Workbook.Append(new DefinedNames(printTitles));
        workbook.Workbook.Save();
        document.Dispose();
    }

    WorksheetPart NewSheet(string name)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = nextSheetId++, Name = name });
        return part;
    }

    void AddTable(WorksheetPart sheet, string name, string range, IReadOnlyList<string> header)
    {
        var tablePart = sheet.AddNewPart<TableDefinitionPart>();
        var columns = new TableColumns { Count = (uint)header.Count };
        for (int i = 0; i < header.Count; i++) columns.Append(new TableColumn { Id = (uint)i + 1, Name = header[i] });
        uint id = nextTableId++;
        tablePart.Table = new Table(
            new AutoFilter { Reference = range },
            columns,
            new TableStyleInfo { Name = "TableStyleMedium2", ShowFirstColumn = false, ShowLastColumn = false, ShowRowStripes = true, ShowColumnStripes = false })
        {
            Id = id, Name = name, DisplayName = name, Reference = range, TotalsRowShown = false,
        };
        sheet.Worksheet.Append(new TableParts(new TablePart { Id = sheet.GetIdOfPart(tablePart) }) { Count = 1 });
    }

    Row MakeRow(uint index, IReadOnlyList<CellData> cells)
    {
        var row = new Row { RowIndex = index };
        for (int c = 0; c < cells.Count; c++)
        {
            var cell = cells[c];
            if (cell.Text == null && cell.Number == null) continue;
            var xml = new Cell { CellReference = ColumnName(c) + index, StyleIndex = (uint)cell.Style };
            if (cell.Number is double d)
            {
                xml.CellValue = new CellValue(d);
            }
            else
            {
                xml.DataType = CellValues.SharedString;
                xml.CellValue = new CellValue(SharedString(cell.Text!));
            }
            row.Append(xml);
        }
        return row;
    }

    int SharedString(string text)
    {
        if (stringIndex.TryGetValue(text, out int i)) return i;
        strings.SharedStringTable.Append(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        stringIndex[text] = stringIndex.Count;
        return stringIndex.Count - 1;
    }

    static SheetViews FrozenHeader(bool selected) => new(new SheetView(
        new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
        new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
    { TabSelected = selected, WorkbookViewId = 0 });

    /// <summary>Column widths from the longest text (numbers count as their formatted length).</summary>
    static Columns Widths(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<CellData>> rows)
    {
        var columns = new Columns();
        for (int c = 0; c < header.Count; c++)
        {
            int longest = header[c].Length + 3; // room for the filter button
            foreach (var row in rows)
                if (c < row.Count) longest = Math.Max(longest, Length(row[c]));
            columns.Append(new Column { Min = (uint)c + 1, Max = (uint)c + 1, Width = Math.Clamp(longest + 2, 8, 60), CustomWidth = true });
        }
        return columns;
    }

    static int Length(CellData cell) => cell.Text?.Length
        ?? (cell.Number is double d ? Math.Min(12, d.ToString("0.####", CultureInfo.InvariantCulture).Length) : 0);

    /// <summary>A picture at column A of <paramref name="row"/>, shown <paramref name="width"/> × <paramref name="height"/> px.</summary>
    static Xdr.OneCellAnchor Anchor(string relationshipId, uint id, ReportImage image, int row, long width, long height)
    {
        long cx = width * EmuPerPixel, cy = height * EmuPerPixel;
        var picture = new Xdr.Picture(
            new Xdr.NonVisualPictureProperties(
                new Xdr.NonVisualDrawingProperties { Id = id + 1, Name = image.Name, Description = image.Title },
                new Xdr.NonVisualPictureDrawingProperties(new A.PictureLocks { NoChangeAspect = true })),
            new Xdr.BlipFill(new A.Blip { Embed = relationshipId }, new A.Stretch(new A.FillRectangle())),
            new Xdr.ShapeProperties(
                new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle }));
        return new Xdr.OneCellAnchor(
            new Xdr.FromMarker(new Xdr.ColumnId("0"), new Xdr.ColumnOffset("0"), new Xdr.RowId(row.ToString(CultureInfo.InvariantCulture)), new Xdr.RowOffset("0")),
            new Xdr.Extent { Cx = cx, Cy = cy },
            picture,
            new Xdr.ClientData());
    }

    /// <summary>Spreadsheet column letters for a 0-based index: 0 → A, 26 → AA.</summary>
    public static string ColumnName(int index)
    {
        string name = "";
        for (int n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }
}
