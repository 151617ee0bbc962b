using System.Globalization;
using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads Matminer/Matbench dataset JSON (".json" or gzip-compressed ".json.gz"), the pandas "split" layout
/// {"index": [...], "columns": [...], "data": [[...], ...]} with a pymatgen structure column. Rows are streamed,
/// so files far larger than memory-friendly DOMs are fine. Rows whose target is null, NaN or ±Infinity are skipped and
/// counted; Python's bare NaN/Infinity tokens (json.dumps) are accepted (<see cref="PythonJsonStream"/>).
/// </summary>
public static class MatminerDatasetReader
{
    public const string StructureColumn = "structure";
    static readonly string[] IdColumns = { "mpid", "material_id" };

    public static DatasetReadResult Read(string path, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        string name = options.Name ?? StructureFileOpener.Stem(path);
        var task = TaskIndex.Find(Path.GetDirectoryName(Path.GetFullPath(path))!, StructureFileOpener.Stem(path));
        var builder = new Builder(path, name, options, task);
        string at = "$";
        try
        {
            using var stream = StructureFileOpener.Open(path);
            using var json = new StreamingJson(stream);
            if (json.ReadToken(out _) != JsonTokenType.StartObject)
                throw new CrystalFormatException("$: expected a JSON object {\"index\", \"columns\", \"data\"}.", path);
            while (json.ReadToken(out string? property) == JsonTokenType.PropertyName)
            {
                at = $"$.{property}";
                switch (property)
                {
                    case "columns":
                        using (var doc = json.ReadValue()) builder.SetColumns(doc.RootElement);
                        break;
                    case "index":
                        using (var doc = json.ReadValue()) builder.SetIndex(doc.RootElement);
                        break;
                    case "data":
                        if (json.ReadToken(out _) != JsonTokenType.StartArray)
                            throw new CrystalFormatException("$.data: expected an array of rows.", path);
                        while (json.ReadValueOrEndArray() is { } row) builder.AddRow(row);
                        break;
                    default:
                        json.ReadValue().Dispose();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new CrystalFormatException($"{at}: invalid JSON: {e.Message}", path, inner: e);
        }
        catch (InvalidDataException e)
        {
            throw StructureFileOpener.CorruptGzip(path, e);
        }
        return builder.Finish();
    }

    /// <summary>Collects rows; rows seen before "columns" wait until the columns are known.</summary>
    sealed class Builder
    {
        readonly string path, name;
        readonly DatasetReadOptions options;
        readonly TaskInfo? task;
        readonly List<CrystalEntry> entries = new();
        readonly List<JsonDocument> pending = new();
        List<string>? columns;
        List<string>? index;
        int rowNumber, skipped, structureCol = -1, targetCol = -1, idCol = -1;

        public Builder(string path, string name, DatasetReadOptions options, TaskInfo? task)
        {
            this.path = path;
            this.name = name;
            this.options = options;
            this.task = task;
        }

        public void SetColumns(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                throw new CrystalFormatException("$.columns: expected an array of column names.", path);
            columns = e.EnumerateArray().Select(c => c.GetString()!).ToList();
            structureCol = columns.IndexOf(StructureColumn);
            if (structureCol < 0)
                throw new CrystalFormatException(columns.Contains("composition")
                    ? $"$.columns: '{name}' is a composition-only dataset (columns: {string.Join(", ", columns)}); MoePS needs crystal structures."
                    : $"$.columns: missing column 'structure' (columns: {string.Join(", ", columns)}).", path);
            idCol = IdColumns.Select(c => columns.IndexOf(c)).FirstOrDefault(i => i >= 0, -1);
            string? wanted = options.Target ?? task?.TargetName;
            if (wanted != null)
            {
                targetCol = columns.IndexOf(wanted);
                if (targetCol < 0)
                    throw new CrystalFormatException($"$.columns: missing target column '{wanted}' (columns: {string.Join(", ", columns)}).", path);
            }
            foreach (var row in pending) AddRow(row);
            pending.Clear();
        }

        public void SetIndex(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Array) throw new CrystalFormatException("$.index: expected an array.", path);
            index = e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList();
        }

        public void AddRow(JsonDocument row)
        {
            if (columns == null) { pending.Add(row); return; }
            using (row)
            {
                int r = rowNumber++;
                string where = $"$.data[{r}]";
                var values = row.RootElement;
                if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != columns.Count)
                    throw new CrystalFormatException(
                        $"{where}: expected a row of {columns.Count} values ({string.Join(", ", columns)}), found {Describe(values)}: missing column?", path);
                var cells = values.EnumerateArray().ToArray();
                if (targetCol < 0) targetCol = PickTarget(cells, where, r);
                double target = Target(cells[targetCol], $"{where}[{targetCol}]", r);
                if (double.IsNaN(target)) { skipped++; return; }

                string id = idCol >= 0 && cells[idCol].ValueKind == JsonValueKind.String && cells[idCol].GetString() is { Length: > 0 } s ? s
                    : index != null && r < index.Count ? index[r] : r.ToString(CultureInfo.InvariantCulture);
                Crystal parsed;
                try { parsed = PymatgenStructure.Read(cells[structureCol], id, $"{where}[{structureCol}]", options.Disorder, options.Warn); }
                catch (CrystalFormatException e) when (e.Path == null) { throw new CrystalFormatException(e.Message, path, inner: e); }
                StructureChecks.EnsureNoOverlaps(parsed.Lattice, parsed.Sites, path, $"{where}[{structureCol}]");

                var extras = new Dictionary<string, object?>();
                for (int c = 0; c < columns.Count; c++)
                    if (c != structureCol && c != targetCol) extras[columns[c]] = Extra(cells[c]);
                var crystal = new Crystal(id, parsed.Lattice, parsed.Sites,
                    new Dictionary<string, object?> { ["Target"] = target }, $"{path}:{where}");
                entries.Add(new CrystalEntry(crystal, target, extras));
            }
        }

        public DatasetReadResult Finish()
        {
            if (columns == null) throw new CrystalFormatException("$: missing \"columns\".", path);
            if (rowNumber == 0) throw new CrystalFormatException("$.data: the dataset has no rows.", path);
            string targetName = targetCol >= 0 ? columns[targetCol] : "target";
            var dataset = new CrystalDataset(name, targetName, options.Unit ?? task?.Unit, entries, source: path);
            return new DatasetReadResult(dataset, skipped);
        }

        /// <summary>The first column (after "structure", then before it) holding a number, a boolean or a missing value (null, NaN) in the first row.</summary>
        int PickTarget(JsonElement[] cells, string where, int row)
        {
            var candidates = Enumerable.Range(structureCol + 1, cells.Length - structureCol - 1)
                .Concat(Enumerable.Range(0, structureCol)).Where(c => c != idCol).ToList();
            foreach (int c in candidates)
                if (cells[c].ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False || IsMissing(cells[c])) return c;
            var texts = candidates.Where(c => cells[c].ValueKind == JsonValueKind.String)
                .Select(c => $"column '{columns![c]}' holds '{cells[c].GetString()}'").ToList();
            string found = texts.Count > 0 ? $" in row {row}, {string.Join(", ", texts)}" : "";
            throw new CrystalFormatException(
                $"{where}: no numeric target column{found}; name the target column with -Target (columns: {string.Join(", ", columns!)}).", path);
        }

        static bool IsMissing(JsonElement v) =>
            v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.String && PythonJsonStream.IsNonFiniteLiteral(v.GetString()));

        /// <summary>A target value; NaN means missing (null, NaN, ±Infinity, also as strings).</summary>
        double Target(JsonElement v, string where, int row) => v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble() is var d && double.IsFinite(d) ? d : double.NaN,
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.Null => double.NaN,
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) =>
                double.IsFinite(d) ? d : double.NaN,
            _ => throw new CrystalFormatException(
                $"{where}: the target column '{columns![targetCol]}' holds '{Describe(v)}' in row {row}, not a number; name another column with -Target.", path),
        };

        static object? Extra(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.String when v.GetString() is var text && PythonJsonStream.IsNonFiniteLiteral(text) =>
                double.Parse(text!, CultureInfo.InvariantCulture),
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => v.GetRawText(),
        };

        static string Describe(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Array => $"an array of {v.GetArrayLength()} values",
            JsonValueKind.String => v.GetString() ?? "",
            _ => v.ValueKind.ToString(),
        };
    }
}
