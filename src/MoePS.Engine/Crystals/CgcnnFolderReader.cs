using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads the CGCNN folder layout: id_prop.csv ("id,target" per line, no header needed) plus one &lt;id&gt;.cif per row.
/// Rows with an empty or NaN target are skipped and counted.
/// </summary>
public static class CgcnnFolderReader
{
    public const string IndexFile = "id_prop.csv";

    public static bool IsCgcnnFolder(string folder) => File.Exists(Path.Combine(folder, IndexFile));

    public static DatasetReadResult Read(string folder, DatasetReadOptions? options = null)
    {
        options ??= new DatasetReadOptions();
        string csv = Path.Combine(folder, IndexFile);
        if (!File.Exists(csv)) throw new CrystalFormatException($"not a CGCNN dataset folder: {IndexFile} is missing.", folder);
        var lines = StructureFileOpener.ReadAllLines(csv);
        var structureOptions = new StructureReadOptions { Disorder = options.Disorder, Warn = options.Warn };
        var entries = new List<CrystalEntry>();
        int skipped = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var fields = lines[i].Split(',').Select(f => f.Trim()).ToArray();
            if (fields.Length < 2) throw new CrystalFormatException("expected 'id,target'.", csv, i + 1);
            string id = fields[0];
            double target;
            if (fields[1].Length == 0 || fields[1].Equals("nan", StringComparison.OrdinalIgnoreCase)) target = double.NaN;
            else if (!double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out target))
            {
                if (entries.Count == 0 && skipped == 0) continue; // a header line such as "cif_id,target"
                throw new CrystalFormatException($"target '{fields[1]}' of '{id}' is not a number.", csv, i + 1);
            }
            if (!double.IsFinite(target)) { skipped++; continue; }
            string cif = Path.Combine(folder, id + ".cif");
            if (!File.Exists(cif)) throw new CrystalFormatException($"row '{id}' has no structure file {id}.cif.", csv, i + 1);
            var parsed = CifReader.Read(cif, structureOptions)[0];
            var crystal = new Crystal(id, parsed.Lattice, parsed.Sites, new Dictionary<string, object?> { ["Target"] = target }, cif);
            entries.Add(new CrystalEntry(crystal, target));
        }
        if (entries.Count == 0 && skipped == 0) throw new CrystalFormatException("no rows.", csv);
        string name = options.Name ?? new DirectoryInfo(folder).Name;
        var dataset = new CrystalDataset(name, options.Target ?? "target", options.Unit, entries, source: folder);
        return new DatasetReadResult(dataset, skipped);
    }
}
