using System.Globalization;
using System.Text;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Cluster;

/// <summary>
/// Prediction rows as CSV (RFC 4180 quoting, invariant numbers, one line per row): the shards of a
/// sharded prediction and their merge, one row per structure in input order.
/// </summary>
public static class PredictionCsv
{
    static readonly string[] Columns = { "Id", "Formula", "Predicted", "Unit", "StdDev", "Model", "Property", "Source", "Error" };
    static readonly char[] NeedsQuotes = { ',', '"' };

    /// <summary>Writes the rows atomically.</summary>
    public static void Write(string path, IEnumerable<PredictionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.Append(string.Join(',', Columns)).Append('\n');
        foreach (var r in rows)
        {
            text.Append(string.Join(',', new[]
            {
                Field(r.Id), Field(r.Formula), Number(r.Predicted), Field(r.Unit), Number(r.StdDev), Field(r.Model), Field(r.Property),
                Field(r.Source), Field(r.Error),
            })).Append('\n');
        }
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()), overwrite: true);
    }

    public static IReadOnlyList<PredictionRow> Read(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0 || lines[0] != string.Join(',', Columns))
            throw new InvalidDataException($"{path} is not a MoePS prediction file (its header is not {string.Join(',', Columns)}).");
        var rows = new List<PredictionRow>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = Split(lines[i]);
            if (f.Count != Columns.Length)
                throw new InvalidDataException($"{path}, line {i + 1}: {f.Count} fields, expected {Columns.Length}.");
            rows.Add(new PredictionRow(f[0], f[1], ParseNumber(f[2]), Empty(f[3]), ParseNumber(f[4]), f[5], f[6], f[7], Empty(f[8])));
        }
        return rows;
    }

    /// <summary>
    /// Writes <paramref name="output"/> from the shards, in shard order, once every shard exists;
    /// false while some are missing. Every shard's task tries after writing its own, so the last one
    /// to finish merges (two finishing together both write the same file, each atomically).
    /// </summary>
    public static bool MergeIfComplete(IReadOnlyList<string> shards, string output)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (!shards.All(File.Exists)) return false;
        Write(output, shards.SelectMany(Read));
        return true;
    }

    static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        string flat = value.ReplaceLineEndings(" ");
        return flat.IndexOfAny(NeedsQuotes) < 0 ? flat : "\"" + flat.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    static string Number(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    static double? ParseNumber(string text) =>
        text.Length == 0 ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    static string? Empty(string text) => text.Length == 0 ? null : text;

    /// <summary>The fields of one line: commas outside quotes separate, "" inside quotes is a quote.</summary>
    static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
