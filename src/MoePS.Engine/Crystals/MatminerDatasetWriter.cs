using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Writes a dataset as Matminer/Matbench JSON, the layout <see cref="MatminerDatasetReader"/> reads and pandas
/// writes with <c>orient="split"</c>: {"index": [...], "columns": ["structure", target, extras...], "data": [...]}
/// with pymatgen structures. The index holds the crystal ids (plain row numbers when the ids are those). A name
/// ending in ".gz" is gzip-compressed. The file is written atomically; the split, if any, is not part of the format.
/// </summary>
public static class MatminerDatasetWriter
{
    public static void Write(CrystalDataset dataset, string path, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, overwrite, temp =>
        {
            using var file = File.Create(temp);
            using var stream = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file;
            using var json = new Utf8JsonWriter(stream);
            WriteDocument(json, dataset);
        });
    }

    static void WriteDocument(Utf8JsonWriter json, CrystalDataset dataset)
    {
        var extras = ExtraColumns(dataset);
        json.WriteStartObject();
        json.WriteStartArray("index");
        bool rowNumbers = dataset.Entries.Select((e, i) => e.Crystal.Id == i.ToString(CultureInfo.InvariantCulture)).All(same => same);
        for (int i = 0; i < dataset.Count; i++)
        {
            if (rowNumbers) json.WriteNumberValue(i);
            else json.WriteStringValue(dataset.Entries[i].Crystal.Id);
        }
        json.WriteEndArray();
        json.WriteStartArray("columns");
        json.WriteStringValue(MatminerDatasetReader.StructureColumn);
        json.WriteStringValue(dataset.TargetName);
        foreach (string column in extras) json.WriteStringValue(column);
        json.WriteEndArray();
        json.WriteStartArray("data");
        foreach (var entry in dataset.Entries)
        {
            json.WriteStartArray();
            PymatgenStructureWriter.Write(json, entry.Crystal);
            WriteValue(json, entry.Target);
            foreach (string column in extras) WriteValue(json, entry.Extras.GetValueOrDefault(column));
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Every extra column of any row, in the order first seen, except names the structure or target already use.</summary>
    static List<string> ExtraColumns(CrystalDataset dataset) =>
        dataset.Entries.SelectMany(e => e.Extras.Keys)
            .Where(c => c != MatminerDatasetReader.StructureColumn && c != dataset.TargetName)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>A cell: numbers and booleans as such, missing or non-finite numbers as null (as pandas writes NaN), anything else as text.</summary>
    static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal:
                double d = c.ToDouble(CultureInfo.InvariantCulture);
                if (double.IsFinite(d)) json.WriteNumberValue(d);
                else json.WriteNullValue();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
