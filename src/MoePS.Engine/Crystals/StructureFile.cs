using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>The format-detecting entry point for structure files: CIF, POSCAR/CONTCAR, extended XYZ, pymatgen/Matminer JSON.</summary>
public static class StructureFile
{
    public enum Format { Cif, Poscar, ExtendedXyz, Json }

    /// <summary>Every structure in the file (one per CIF block, XYZ frame or dataset row); the first bad one is thrown.</summary>
    public static IEnumerable<Crystal> Read(string path, StructureReadOptions? options = null) => ReadEach(path, options).OrThrow();

    /// <summary>
    /// The structures in the file that could be read, and an error for each CIF block or XYZ frame that could not; a file
    /// that cannot be read at all (or a POSCAR or JSON structure, which is one) is thrown.
    /// </summary>
    public static StructuresRead ReadEach(string path, StructureReadOptions? options = null)
    {
        options ??= StructureReadOptions.Default;
        if (Directory.Exists(path)) throw new CrystalFormatException("is a folder; give a structure file (or use Import-CrystalDataset for a CGCNN folder).", path);
        return Detect(path) switch
        {
            Format.Cif => CifReader.ReadEach(path, options),
            Format.Poscar => new StructuresRead(new[] { PoscarReader.Read(path, options) }, Array.Empty<CrystalFormatException>()),
            Format.ExtendedXyz => ExtendedXyzReader.ReadEach(path),
            _ => new StructuresRead(ReadJson(path, options).ToList(), Array.Empty<CrystalFormatException>()),
        };
    }

    /// <summary>By extension (".gz" ignored), then by name (POSCAR*, CONTCAR*), then by content (<see cref="StructureFileHead"/>).</summary>
    public static Format Detect(string path)
    {
        string name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        string ext = Path.GetExtension(name).ToLowerInvariant();
        switch (ext)
        {
            case ".cif": return Format.Cif;
            case ".json": return Format.Json;
            case ".xyz" or ".extxyz": return Format.ExtendedXyz;
            case ".vasp" or ".poscar": return Format.Poscar;
        }
        if (name.StartsWith("POSCAR", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CONTCAR", StringComparison.OrdinalIgnoreCase))
            return Format.Poscar;
        return DetectByContent(path);
    }

    static Format DetectByContent(string path)
    {
        var lines = StructureFileHead.ReadLines(path);
        var meaningful = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).Take(2).ToArray();
        if (meaningful.Length > 0 && (meaningful[0].StartsWith('{'))) return Format.Json;
        if (meaningful.Length > 0 && meaningful[0].StartsWith("data_", StringComparison.OrdinalIgnoreCase)) return Format.Cif;
        if (meaningful.Length > 1 && int.TryParse(meaningful[0], out _) && meaningful[1].Contains("Lattice=", StringComparison.OrdinalIgnoreCase))
            return Format.ExtendedXyz;
        if (lines.Length > 1 && double.TryParse(lines[1].Split(' ')[0], System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out _))
            return Format.Poscar;
        throw new CrystalFormatException("unknown structure format (expected CIF, POSCAR/CONTCAR, extended XYZ or pymatgen JSON).", path);
    }

    /// <summary>A Matminer dataset (its crystals, in row order) or a single pymatgen Structure.as_dict().</summary>
    static IEnumerable<Crystal> ReadJson(string path, StructureReadOptions options)
    {
        StructureFileHead.RequireJsonObject(path);
        using (var doc = StructureFileOpener.ReadJson(path))
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("columns", out _) && root.TryGetProperty("data", out _))
                return MatminerDatasetReader.Read(path, new DatasetReadOptions { Disorder = options.Disorder, Warn = options.Warn }).Dataset.Entries.Select(e => e.Crystal).ToList();
            Crystal c;
            try { c = PymatgenStructure.Read(root, StructureFileOpener.Stem(path), "$", options.Disorder, options.Warn); }
            catch (CrystalFormatException e) when (e.Path == null) { throw new CrystalFormatException(e.Message, path, inner: e); }
            StructureChecks.EnsureNoOverlaps(c.Lattice, c.Sites, path, "$");
            return new[] { new Crystal(c.Id, c.Lattice, c.Sites, source: path) };
        }
    }
}
