using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads CIF files: one <see cref="Crystal"/> per data block with atom sites. The asymmetric unit is expanded
/// with the listed symmetry operations; positions generated more than once (within <see cref="MergeTolerance"/>)
/// are merged, and atoms sharing a position with partial occupancies form a disordered site.
/// </summary>
public static class CifReader
{
    /// <summary>Generated positions closer than this (Å) are the same site (CIFs often round 1/3 to 0.3333).</summary>
    public const double MergeTolerance = 0.05;

    const double OccupancyTolerance = 1e-3;

    static readonly string[] SymmetryTags = { "_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz" };

    /// <summary>Every structure of the file; the first bad block is thrown (<see cref="ReadEach"/> keeps the good ones).</summary>
    public static IReadOnlyList<Crystal> Read(string path, StructureReadOptions? options = null) => ReadEach(path, options).OrThrow();

    /// <summary>The structures of the blocks that could be read, and an error for each block that could not.</summary>
    public static StructuresRead ReadEach(string path, StructureReadOptions? options = null)
    {
        StructureFileHead.RequireCif(path);
        return ParseEach(StructureFileOpener.ReadAllText(path), path, options ?? StructureReadOptions.Default);
    }

    /// <summary>Reads CIF text; <paramref name="path"/> is used in messages. The first bad block is thrown.</summary>
    public static IReadOnlyList<Crystal> Parse(string text, string path, StructureReadOptions options) => ParseEach(text, path, options).OrThrow();

    static StructuresRead ParseEach(string text, string path, StructureReadOptions options)
    {
        var blocks = CifDocument.Parse(text, path);
        var structures = blocks.Where(b => b.FindLoop("_atom_site_fract_x") != null).ToList();
        if (structures.Count == 0)
            throw new CrystalFormatException("no data block has atom sites (a loop with _atom_site_fract_x/y/z): truncated or not a structure file.", path);
        var crystals = new List<Crystal>();
        var errors = new List<CrystalFormatException>();
        foreach (var block in structures)
        {
            try { crystals.Add(ReadBlock(block, path, options)); }
            catch (CrystalFormatException e) { errors.Add(e); }
        }
        return new StructuresRead(crystals, errors);
    }

    static Crystal ReadBlock(CifBlock block, string path, StructureReadOptions options)
    {
        string where = $"data_{block.Name}";
        var lattice = ReadCell(block, path, where);
        var operations = ReadSymmetry(block, path, where);
        var atoms = ReadAtomSites(block, path, where);

        var clusters = new List<GeneratedSite>();
        var grid = new FractionalGrid(lattice, MergeTolerance);
        foreach (var atom in atoms)
        foreach (var op in operations)
        {
            var f = op.Apply(atom.Fractional);
            for (int k = 0; k < 3; k++) f[k] = PeriodicGeometry.Wrap(f[k]);
            int first = grid.Near(f).Where(c => PeriodicGeometry.Distance(lattice, clusters[c].Fractional, f) < MergeTolerance)
                .DefaultIfEmpty(-1).Min(); // the earliest cluster in reach, as a scan in order would find
            GeneratedSite cluster;
            if (first >= 0) cluster = clusters[first];
            else
            {
                grid.Add(clusters.Count, f);
                clusters.Add(cluster = new GeneratedSite(f));
            }
            if (!cluster.Atoms.Any(a => a.Label == atom.Label)) cluster.Atoms.Add(atom);
        }

        var sites = clusters.Select(c => ResolveSite(c, lattice, path, where, options)).ToList();
        StructureChecks.EnsureNoOverlaps(lattice, sites, path, where);
        return new Crystal(block.Name, lattice, sites, source: $"{path}:{where}");
    }

    static Site ResolveSite(GeneratedSite site, Lattice lattice, string path, string where, StructureReadOptions options)
    {
        var first = site.Atoms[0];
        double total = site.Atoms.Sum(a => a.Occupancy);
        string labels = string.Join("/", site.Atoms.Select(a => a.Label));
        if (total > 1 + OccupancyTolerance)
            throw new CrystalFormatException(FormattableString.Invariant(
                $"{where}: overlapping atoms: sites {labels} lie on the same position with total occupancy {total:0.###}."), path, first.Line);
        var species = site.Atoms.GroupBy(a => a.Element).Select(g => (g.Key, g.Sum(a => a.Occupancy))).ToList();
        Element element;
        Action<string>? warn = options.Warn == null ? null : message => options.Warn($"{path}:{first.Line}: {message}");
        try { element = Disorder.Resolve(species, $"{where}, site {labels}", options.Disorder, warn); }
        catch (CrystalFormatException e) { throw new CrystalFormatException(e.Message, path, first.Line); }
        var label = site.Atoms.First(a => a.Element == element).Label;
        return new Site(element, site.Fractional, lattice.ToCartesian(site.Fractional), label);
    }

    static Lattice ReadCell(CifBlock block, string path, string where)
    {
        string[] tags = { "_cell_length_a", "_cell_length_b", "_cell_length_c", "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma" };
        var p = new double[6];
        for (int i = 0; i < 6; i++)
        {
            var v = block.Item(tags[i]);
            if (v == null || v.IsMissing)
                throw new CrystalFormatException($"{where}: no unit cell ({tags[i]} is missing).", path, block.Line);
            p[i] = Number(v, tags[i], path);
            bool length = i < 3;
            if (length ? p[i] <= 0 : p[i] <= 0 || p[i] >= 180)
                throw new CrystalFormatException(length
                    ? $"{where}: {tags[i]} is {v.Text}; a cell length must be positive."
                    : $"{where}: {tags[i]} is {v.Text}; a cell angle must lie strictly between 0 and 180 degrees.", path, v.Line);
        }
        try { return Lattice.FromParameters(p[0], p[1], p[2], p[3], p[4], p[5]); }
        catch (CrystalFormatException e) { throw new CrystalFormatException($"{where}: {e.Message}", path, block.Item(tags[3])!.Line); }
    }

    static List<SymmetryOperation> ReadSymmetry(CifBlock block, string path, string where)
    {
        var values = new List<CifValue>();
        foreach (var tag in SymmetryTags)
        {
            var loop = block.FindLoop(tag);
            if (loop != null) { values.AddRange(loop.Rows.Select(r => r[loop.Column(tag)])); break; }
            if (block.Item(tag) is { } single) { values.Add(single); break; }
        }
        if (values.Count == 0)
        {
            if (IsP1(block)) return new List<SymmetryOperation> { SymmetryOperation.Identity };
            throw new CrystalFormatException(
                $"{where}: the space group is given but its symmetry operations are not listed (_symmetry_equiv_pos_as_xyz or _space_group_symop_operation_xyz); MoePS does not expand space-group symbols.",
                path, block.Line);
        }
        var ops = new List<SymmetryOperation>();
        foreach (var v in values)
        {
            try { ops.Add(SymmetryOperation.Parse(v.Text)); }
            catch (FormatException e) { throw new CrystalFormatException($"{where}: bad symmetry operation: {e.Message}", path, v.Line); }
        }
        return ops;
    }

    static bool IsP1(CifBlock block)
    {
        var number = block.Item("_space_group_it_number") ?? block.Item("_symmetry_int_tables_number");
        if (number != null && !number.IsMissing) return number.Text.Trim() == "1";
        var hm = block.Item("_symmetry_space_group_name_h-m") ?? block.Item("_space_group_name_h-m_alt");
        var hall = block.Item("_symmetry_space_group_name_hall") ?? block.Item("_space_group_name_hall");
        return IsP1Symbol(hm) && IsP1Symbol(hall);
    }

    /// <summary>Absent, unknown, or "P 1" (H-M and Hall symbols alike).</summary>
    static bool IsP1Symbol(CifValue? symbol) =>
        symbol == null || symbol.IsMissing || symbol.Text.Replace(" ", "").Equals("P1", StringComparison.OrdinalIgnoreCase);

    static List<AtomSite> ReadAtomSites(CifBlock block, string path, string where)
    {
        var loop = block.FindLoop("_atom_site_fract_x")!;
        int cx = loop.Column("_atom_site_fract_x"), cy = loop.Column("_atom_site_fract_y"), cz = loop.Column("_atom_site_fract_z");
        if (cy < 0 || cz < 0) throw new CrystalFormatException($"{where}: the atom-site loop lacks _atom_site_fract_y or _z.", path, loop.Line);
        int cLabel = loop.Column("_atom_site_label"), cType = loop.Column("_atom_site_type_symbol"), cOcc = loop.Column("_atom_site_occupancy");
        if (cLabel < 0 && cType < 0) throw new CrystalFormatException($"{where}: the atom-site loop has neither _atom_site_type_symbol nor _atom_site_label.", path, loop.Line);
        var atoms = new List<AtomSite>();
        foreach (var row in loop.Rows)
        {
            int line = row[0].Line;
            string label = cLabel >= 0 ? row[cLabel].Text : row[cType].Text;
            Element element = cType >= 0 && !row[cType].IsMissing ? Symbol(row[cType], path) : LabelElement(row[cLabel], path);
            var f = new[] { Number(row[cx], "_atom_site_fract_x", path), Number(row[cy], "_atom_site_fract_y", path), Number(row[cz], "_atom_site_fract_z", path) };
            double occupancy = cOcc >= 0 && !row[cOcc].IsMissing ? Number(row[cOcc], "_atom_site_occupancy", path) : 1.0;
            if (!(occupancy > 0) || occupancy > 1 + OccupancyTolerance)
                throw new CrystalFormatException(FormattableString.Invariant($"{where}: site {label} has occupancy {occupancy}, outside (0, 1]."), path, line);
            atoms.Add(new AtomSite(label, element, f, occupancy, line));
        }
        return atoms;
    }

    /// <summary>A type symbol such as "Ti4+" or "O2-": the letters must be exactly an element symbol.</summary>
    static Element Symbol(CifValue v, string path)
    {
        string letters = new(v.Text.TakeWhile(char.IsLetter).ToArray());
        if (Element.TryParse(letters, out var e) && e.Symbol.Equals(letters, StringComparison.OrdinalIgnoreCase)) return e;
        throw new CrystalFormatException($"unknown element '{v.Text}' in _atom_site_type_symbol.", path, v.Line);
    }

    /// <summary>A site label such as "Fe1" or "O2a": the element is its leading symbol.</summary>
    static Element LabelElement(CifValue v, string path) =>
        Element.TryParse(v.Text, out var e) ? e
        : throw new CrystalFormatException($"unknown element in site label '{v.Text}' (and no _atom_site_type_symbol).", path, v.Line);

    /// <summary>A CIF number, with an optional standard uncertainty in brackets: "5.4307(2)".</summary>
    static double Number(CifValue v, string tag, string path)
    {
        string t = v.Text;
        int paren = t.IndexOf('(');
        if (paren > 0 && t.EndsWith(')')) t = t[..paren];
        if (!v.IsMissing && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)) return x;
        throw new CrystalFormatException($"{tag}: '{v.Text}' is not a number.", path, v.Line);
    }

    sealed record AtomSite(string Label, Element Element, double[] Fractional, double Occupancy, int Line);

    sealed class GeneratedSite
    {
        public GeneratedSite(double[] fractional) => Fractional = fractional;
        public double[] Fractional { get; }
        public List<AtomSite> Atoms { get; } = new();
    }
}
