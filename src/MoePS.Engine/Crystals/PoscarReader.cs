using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads VASP POSCAR/CONTCAR files: scale factor (negative = target volume, or three per-axis factors), VASP 5
/// species line (VASP 4 files need <see cref="StructureReadOptions.Species"/>), optional "Selective dynamics",
/// Direct or Cartesian coordinates.
/// </summary>
public static class PoscarReader
{
    public static Crystal Read(string path, StructureReadOptions? options = null)
    {
        StructureFileHead.RequirePoscar(path);
        return Parse(StructureFileOpener.ReadAllLines(path), path, StructureFileOpener.Stem(path), options ?? StructureReadOptions.Default);
    }

    public static Crystal Parse(IReadOnlyList<string> lines, string path, string id, StructureReadOptions options)
    {
        int li = 1; // index of the next line; line numbers in messages are li + 1
        string[] Next(string what)
        {
            if (li >= lines.Count) throw new CrystalFormatException($"the file ends before the {what} (truncated POSCAR?).", path, li + 1);
            return lines[li++].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        var scaleTokens = Next("scale factor");
        if (scaleTokens.Length == 0) throw new CrystalFormatException("line 2 must hold the scale factor.", path, 2);
        bool perAxis = scaleTokens.Length >= 3 && scaleTokens.Take(3).All(t => IsNumber(t));
        var scale = perAxis ? scaleTokens.Take(3).Select(t => Number(t, path, 2)).ToArray() : new[] { Number(scaleTokens[0], path, 2) };

        var raw = new double[3, 3];
        for (int r = 0; r < 3; r++)
        {
            var t = Next("lattice vectors");
            if (t.Length < 3) throw new CrystalFormatException("a lattice vector needs three numbers.", path, li);
            for (int c = 0; c < 3; c++) raw[r, c] = Number(t[c], path, li);
        }
        var axisScale = LatticeScale(raw, scale, path);
        var matrix = new double[3, 3];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) matrix[r, c] = raw[r, c] * axisScale[c];
        Lattice lattice;
        try { lattice = new Lattice(matrix); }
        catch (CrystalFormatException e) { throw new CrystalFormatException(e.Message, path, 3); }

        var speciesOrCounts = Next("species or atom counts");
        string[] species;
        string[] countTokens;
        if (speciesOrCounts.Length > 0 && int.TryParse(speciesOrCounts[0], out _))
        {
            countTokens = speciesOrCounts;
            species = options.Species?.ToArray() ?? throw new CrystalFormatException(
                "VASP 4 POSCAR without a species line: give the elements in the order of the counts on line 6 (Import-Crystal -Species Fe,O).", path, li);
        }
        else
        {
            species = speciesOrCounts;
            countTokens = Next("atom counts");
        }
        var counts = countTokens.TakeWhile(t => int.TryParse(t, out _)).Select(int.Parse).ToArray();
        if (counts.Length == 0 || counts.Any(c => c < 0)) throw new CrystalFormatException("expected atom counts.", path, li);
        if (counts.Length != species.Length)
            throw new CrystalFormatException($"{species.Length} species ({string.Join(" ", species)}) but {counts.Length} atom counts.", path, li);
        var elements = species.Select(s => SpeciesElement(s, path, li)).ToArray();

        var mode = Next("coordinate mode");
        if (mode.Length > 0 && mode[0].StartsWith("s", StringComparison.OrdinalIgnoreCase)) mode = Next("coordinate mode");
        if (mode.Length == 0) throw new CrystalFormatException("expected 'Direct' or 'Cartesian'.", path, li);
        char m = char.ToLowerInvariant(mode[0][0]);
        bool cartesian = m is 'c' or 'k';
        if (!cartesian && m != 'd') throw new CrystalFormatException($"expected 'Direct' or 'Cartesian', found '{mode[0]}'.", path, li);

        var sites = new List<Site>();
        for (int s = 0; s < elements.Length; s++)
        for (int n = 0; n < counts[s]; n++)
        {
            var t = Next($"coordinates of atom {sites.Count + 1} of {counts.Sum()}");
            if (t.Length < 3) throw new CrystalFormatException("an atom position needs three numbers.", path, li);
            var v = new[] { Number(t[0], path, li), Number(t[1], path, li), Number(t[2], path, li) };
            double[] frac, cart;
            if (cartesian)
            {
                cart = new[] { v[0] * axisScale[0], v[1] * axisScale[1], v[2] * axisScale[2] };
                frac = lattice.ToFractional(cart);
            }
            else
            {
                frac = v;
                cart = lattice.ToCartesian(frac);
            }
            sites.Add(new Site(elements[s], frac, cart, $"{elements[s].Symbol}{n + 1}"));
        }
        if (sites.Count == 0) throw new CrystalFormatException("the structure has no atoms.", path, li);
        StructureChecks.EnsureNoOverlaps(lattice, sites, path, id);
        string comment = lines[0].Trim();
        return new Crystal(id, lattice, sites, new Dictionary<string, object?> { ["Comment"] = comment }, path);
    }

    /// <summary>Per-Cartesian-axis factors: one positive factor, a negative target volume, or three factors.</summary>
    static double[] LatticeScale(double[,] raw, double[] scale, string path)
    {
        if (scale.Length == 3)
            return scale.All(f => f > 0) ? scale : throw new CrystalFormatException(FormattableString.Invariant(
                $"the per-axis scale factors {scale[0]} {scale[1]} {scale[2]} must all be positive (a single negative number on line 2 is a target volume; three factors cannot be negative)."), path, 2);
        double s = scale[0];
        if (s == 0) throw new CrystalFormatException("the scale factor is zero.", path, 2);
        if (s < 0)
        {
            double det = Math.Abs(
                raw[0, 0] * (raw[1, 1] * raw[2, 2] - raw[1, 2] * raw[2, 1])
                - raw[0, 1] * (raw[1, 0] * raw[2, 2] - raw[1, 2] * raw[2, 0])
                + raw[0, 2] * (raw[1, 0] * raw[2, 1] - raw[1, 1] * raw[2, 0]));
            if (!(det > 1e-12)) throw new CrystalFormatException("the lattice has zero volume.", path, 3);
            s = Math.Cbrt(-s / det);
        }
        return new[] { s, s, s };
    }

    /// <summary>"Fe", "Fe_pv" or "Fe/abc123" (VASP 6 POTCAR hashes) → Fe.</summary>
    static Element SpeciesElement(string token, string path, int line)
    {
        string symbol = token.Split('_', '/')[0];
        if (Element.TryParse(symbol, out var e) && e.Symbol.Equals(symbol, StringComparison.OrdinalIgnoreCase)) return e;
        throw new CrystalFormatException($"unknown element '{token}'.", path, line);
    }

    static bool IsNumber(string t) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    static double Number(string t, string path, int line) =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x
        : throw new CrystalFormatException($"'{t}' is not a number.", path, line);
}
