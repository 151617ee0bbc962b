using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads extended XYZ files (one or more frames): atom count, a comment line of key=value pairs with
/// Lattice="ax ay az bx by bz cx cy cz" and Properties=species:S:1:pos:R:3:…, then one line per atom.
/// Other numeric key=value pairs become crystal properties. Frames of a multi-frame file get ids "stem#k".
/// </summary>
public static class ExtendedXyzReader
{
    const string DefaultProperties = "species:S:1:pos:R:3";

    /// <summary>Every frame of the file; the first bad frame is thrown (<see cref="ReadEach"/> keeps the good ones).</summary>
    public static IReadOnlyList<Crystal> Read(string path) => ReadEach(path).OrThrow();

    /// <summary>The frames that could be read, and an error for each that could not.</summary>
    public static StructuresRead ReadEach(string path)
    {
        StructureFileHead.RequireExtendedXyz(path);
        return Parse(StructureFileOpener.ReadAllLines(path), path, StructureFileOpener.Stem(path));
    }

    /// <summary>
    /// The frames of the lines, with ids "stem#k" (k counts bad frames too), or just "stem" for a file of one good frame.
    /// A bad frame is skipped by its atom count; one whose count cannot be read ends the file.
    /// </summary>
    public static StructuresRead Parse(IReadOnlyList<string> lines, string path, string stem)
    {
        var frames = new List<Crystal>();
        var errors = new List<CrystalFormatException>();
        int li = 0;
        for (int k = 0; ; k++)
        {
            while (li < lines.Count && string.IsNullOrWhiteSpace(lines[li])) li++;
            if (li >= lines.Count) break;
            int start = li;
            try { frames.Add(ReadFrame(lines, ref li, path, $"{stem}#{k}")); }
            catch (CrystalFormatException e)
            {
                errors.Add(e);
                if (!int.TryParse(lines[start].Trim(), out int n) || n <= 0 || start + 2 + n > lines.Count) break;
                li = start + 2 + n;
            }
        }
        if (frames.Count == 0 && errors.Count == 0) throw new CrystalFormatException("no frames.", path);
        if (frames.Count == 1 && errors.Count == 0)
        {
            var c = frames[0];
            return new StructuresRead(new[] { new Crystal(stem, c.Lattice, c.Sites, c.Properties, c.Source) }, errors);
        }
        return new StructuresRead(frames, errors);
    }

    static Crystal ReadFrame(IReadOnlyList<string> lines, ref int li, string path, string id)
    {
        int countLine = li + 1;
        if (!int.TryParse(lines[li].Trim(), out int n) || n <= 0)
            throw new CrystalFormatException($"expected the number of atoms, found '{lines[li].Trim()}'.", path, countLine);
        li++;
        if (li >= lines.Count) throw new CrystalFormatException("the file ends before the comment line (truncated?).", path, li + 1);
        int headerLine = li + 1;
        var info = KeyValues(lines[li++], path, headerLine);

        if (!info.TryGetValue("lattice", out var latticeText))
            throw new CrystalFormatException("no Lattice=\"…\" on the comment line: non-periodic molecules are not crystals.", path, headerLine);
        var lv = Numbers(latticeText, 9, "Lattice", path, headerLine);
        if (info.TryGetValue("pbc", out var pbc) && pbc.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(p => p.StartsWith("F", StringComparison.OrdinalIgnoreCase)))
            throw new CrystalFormatException($"pbc=\"{pbc}\": only fully periodic structures are supported.", path, headerLine);
        Lattice lattice;
        try { lattice = new Lattice(new double[3, 3] { { lv[0], lv[1], lv[2] }, { lv[3], lv[4], lv[5] }, { lv[6], lv[7], lv[8] } }); }
        catch (CrystalFormatException e) { throw new CrystalFormatException(e.Message, path, headerLine); }

        var (speciesCol, posCol, columns) = Layout(info.GetValueOrDefault("properties", DefaultProperties), path, headerLine);
        var sites = new List<Site>(n);
        for (int a = 0; a < n; a++, li++)
        {
            if (li >= lines.Count) throw new CrystalFormatException($"the frame announces {n} atoms but the file ends after {a} (truncated?).", path, li + 1);
            var t = lines[li].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (t.Length < columns) throw new CrystalFormatException($"expected {columns} columns, found {t.Length}.", path, li + 1);
            string symbol = t[speciesCol];
            if (!Element.TryParse(symbol, out var e) || !e.Symbol.Equals(symbol, StringComparison.OrdinalIgnoreCase))
                throw new CrystalFormatException($"unknown element '{symbol}'.", path, li + 1);
            var cart = new[] { Number(t[posCol], path, li + 1), Number(t[posCol + 1], path, li + 1), Number(t[posCol + 2], path, li + 1) };
            sites.Add(new Site(e, lattice.ToFractional(cart), cart, $"{e.Symbol}{a + 1}"));
        }
        StructureChecks.EnsureNoOverlaps(lattice, sites, path, id);
        var properties = new Dictionary<string, object?>();
        foreach (var (key, value) in info.Where(kv => kv.Key is not ("lattice" or "properties" or "pbc")))
            properties[key] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : value;
        return new Crystal(id, lattice, sites, properties, $"{path}:{countLine}");
    }

    /// <summary>Column of the species, first column of the positions, and total column count.</summary>
    static (int Species, int Position, int Columns) Layout(string properties, string path, int line)
    {
        var parts = properties.Split(':');
        if (parts.Length % 3 != 0) throw new CrystalFormatException($"Properties=\"{properties}\" is not a list of name:type:count triples.", path, line);
        int col = 0, species = -1, pos = -1;
        for (int i = 0; i < parts.Length; i += 3)
        {
            if (!int.TryParse(parts[i + 2], out int count) || count < 1)
                throw new CrystalFormatException($"Properties=\"{properties}\": bad column count '{parts[i + 2]}'.", path, line);
            string name = parts[i].ToLowerInvariant();
            if (name == "species") species = col;
            if (name == "pos" && count == 3) pos = col;
            col += count;
        }
        if (species < 0 || pos < 0) throw new CrystalFormatException($"Properties=\"{properties}\" lacks species:S:1 or pos:R:3.", path, line);
        return (species, pos, col);
    }

    /// <summary>key=value pairs; values may be "double quoted" (with spaces); keys are case-insensitive; a bare key means T.</summary>
    static Dictionary<string, string> KeyValues(string line, string path, int lineNo)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int p = 0;
        while (p < line.Length)
        {
            while (p < line.Length && char.IsWhiteSpace(line[p])) p++;
            if (p >= line.Length) break;
            int k = p;
            while (p < line.Length && line[p] != '=' && !char.IsWhiteSpace(line[p])) p++;
            string key = line[k..p];
            if (p >= line.Length || line[p] != '=') { result[key] = "T"; continue; }
            p++;
            string value;
            if (p < line.Length && line[p] == '"')
            {
                int end = line.IndexOf('"', p + 1);
                if (end < 0) throw new CrystalFormatException($"unterminated quote in the value of {key}.", path, lineNo);
                value = line[(p + 1)..end];
                p = end + 1;
            }
            else
            {
                int v = p;
                while (p < line.Length && !char.IsWhiteSpace(line[p])) p++;
                value = line[v..p];
            }
            result[key] = value;
        }
        return result;
    }

    static double[] Numbers(string text, int count, string key, string path, int line)
    {
        var t = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (t.Length != count) throw new CrystalFormatException($"{key} needs {count} numbers, found {t.Length}.", path, line);
        return t.Select(x => Number(x, path, line)).ToArray();
    }

    static double Number(string t, string path, int line) =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x
        : throw new CrystalFormatException($"'{t}' is not a number.", path, line);
}
