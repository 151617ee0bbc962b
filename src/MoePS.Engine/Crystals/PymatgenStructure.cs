using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>Reads pymatgen <c>Structure.as_dict()</c> JSON into a <see cref="Crystal"/>.</summary>
public static class PymatgenStructure
{
    /// <param name="json">The structure object.</param>
    /// <param name="id">Id to give the crystal.</param>
    /// <param name="where">File and JSON path, for error messages (e.g. "x.json.gz: $.data[3][0]").</param>
    /// <param name="disorder">How to treat sites with several species or partial occupancy.</param>
    /// <param name="warn">Told of a site whose species tie for the majority.</param>
    public static Crystal Read(JsonElement json, string id, string where, DisorderPolicy disorder = DisorderPolicy.Reject,
        Action<string>? warn = null)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw new CrystalFormatException($"{where}: expected a pymatgen structure object, found {json.ValueKind}.");
        var lattice = ReadLattice(Required(json, "lattice", where), $"{where}.lattice");
        var sitesJson = Required(json, "sites", where);
        if (sitesJson.ValueKind != JsonValueKind.Array)
            throw new CrystalFormatException($"{where}.sites: expected an array.");
        var sites = new List<Site>(sitesJson.GetArrayLength());
        int i = 0;
        foreach (var s in sitesJson.EnumerateArray())
        {
            string sw = $"{where}.sites[{i++}]";
            var element = ReadSpecies(Required(s, "species", sw), $"{sw}.species", disorder, warn);
            var abc = ReadVector(Required(s, "abc", sw), $"{sw}.abc");
            string? label = s.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            // Cartesian coordinates are rebuilt from abc, as pymatgen's Structure.from_dict does.
            sites.Add(new Site(element, abc, lattice.ToCartesian(abc), label));
        }
        return new Crystal(id, lattice, sites, source: where);
    }

    static Lattice ReadLattice(JsonElement json, string where)
    {
        var m = Required(json, "matrix", where);
        if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() != 3)
            throw new CrystalFormatException($"{where}.matrix: expected 3 rows.");
        var matrix = new double[3, 3];
        int r = 0;
        foreach (var row in m.EnumerateArray())
        {
            var v = ReadVector(row, $"{where}.matrix[{r}]");
            for (int c = 0; c < 3; c++) matrix[r, c] = v[c];
            r++;
        }
        try { return new Lattice(matrix); }
        catch (CrystalFormatException e) { throw new CrystalFormatException($"{where}: {e.Message}"); }
    }

    static Element ReadSpecies(JsonElement json, string where, DisorderPolicy disorder, Action<string>? warn)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
            throw new CrystalFormatException($"{where}: expected a non-empty species list.");
        var species = new List<(Element Element, double Occupancy)>();
        foreach (var sp in json.EnumerateArray())
        {
            string symbol = Required(sp, "element", where).GetString() ?? "";
            if (!Element.TryParse(symbol, out var e) || !string.Equals(e.Symbol, StripCharge(symbol), StringComparison.OrdinalIgnoreCase))
                throw new CrystalFormatException($"{where}: unknown element '{symbol}'.");
            double occu = sp.TryGetProperty("occu", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetDouble() : 1.0;
            species.Add((e, occu));
        }
        return Disorder.Resolve(species, where, disorder, warn);
    }

    static string StripCharge(string symbol) => new(symbol.TakeWhile(char.IsLetter).ToArray());

    static double[] ReadVector(JsonElement json, string where)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() != 3)
            throw new CrystalFormatException($"{where}: expected 3 numbers.");
        var v = new double[3];
        int i = 0;
        foreach (var x in json.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !double.IsFinite(x.GetDouble()))
                throw new CrystalFormatException($"{where}[{i}]: expected a finite number, found {x}.");
            v[i++] = x.GetDouble();
        }
        return v;
    }

    static JsonElement Required(JsonElement json, string name, string where) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) ? v
        : throw new CrystalFormatException($"{where}: missing '{name}'.");
}
