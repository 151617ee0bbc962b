using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Builds a <see cref="CrystalDataset"/> from rows of a user's own table (a spreadsheet or CSV): each row
/// gives a structure (a <see cref="Crystal"/> or a structure file) and a target value as the table holds it.
/// A bad row throws an exception naming its row number and the offending value and leaves the dataset as it
/// was, so a caller can report it and go on with the next row.
/// </summary>
public sealed class CrystalDatasetBuilder
{
    readonly string name, targetName;
    readonly string? unit;
    readonly StructureReadOptions options;
    readonly List<CrystalEntry> entries = new();

    public CrystalDatasetBuilder(string name, string targetName, string? unit = null, StructureReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetName);
        this.name = name;
        this.targetName = targetName;
        this.unit = unit;
        this.options = options ?? StructureReadOptions.Default;
    }

    /// <summary>Rows added so far.</summary>
    public int Count => entries.Count;

    /// <summary>Adds row <paramref name="row"/> (counted from 1, for messages) whose structure is read from <paramref name="structureFile"/>.</summary>
    /// <param name="target">The target as the table holds it: a number, or text such as "1.25" (invariant culture).</param>
    /// <param name="id">The row's id; null takes the structure's own (the CIF data block name, the file name…).</param>
    /// <param name="extras">Further columns to keep beside the target.</param>
    public CrystalEntry AddFile(int row, string structureFile, object? target, string? id = null,
        IReadOnlyDictionary<string, object?>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(structureFile);
        string where = Where(row, id);
        double value = ParseTarget(target, where);
        if (!File.Exists(structureFile))
            throw new FileNotFoundException($"{where}: structure file '{structureFile}' does not exist.", structureFile);
        List<Crystal> crystals;
        try { crystals = StructureFile.Read(structureFile, options).ToList(); }
        catch (CrystalFormatException e) { throw new CrystalFormatException($"{where}: {e.Message}", inner: e); }
        if (crystals.Count != 1)
            throw new CrystalFormatException($"{where}: '{structureFile}' holds {crystals.Count} structures; a row needs exactly one.");
        return Add(crystals[0], value, id, extras);
    }

    /// <summary>Adds row <paramref name="row"/> (counted from 1, for messages) whose structure is <paramref name="crystal"/>.</summary>
    public CrystalEntry AddCrystal(int row, Crystal crystal, object? target, string? id = null,
        IReadOnlyDictionary<string, object?>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(crystal);
        return Add(crystal, ParseTarget(target, Where(row, id ?? crystal.Id)), id, extras);
    }

    /// <summary>The dataset of every row added; throws when there is none.</summary>
    public CrystalDataset Build()
    {
        if (entries.Count == 0)
            throw new InvalidOperationException($"The dataset '{name}' has no rows: no row gave a structure with a numeric target '{targetName}'.");
        return new CrystalDataset(name, targetName, unit, entries.ToList());
    }

    CrystalEntry Add(Crystal crystal, double target, string? id, IReadOnlyDictionary<string, object?>? extras)
    {
        var properties = new Dictionary<string, object?>(crystal.Properties) { ["Target"] = target };
        var labelled = new Crystal(id ?? crystal.Id, crystal.Lattice, crystal.Sites, properties, crystal.Source);
        var entry = new CrystalEntry(labelled, target, extras);
        entries.Add(entry);
        return entry;
    }

    static string Where(int row, string? id) =>
        id == null ? $"Row {row.ToString(CultureInfo.InvariantCulture)}" : $"Row {row.ToString(CultureInfo.InvariantCulture)} (id '{id}')";

    /// <summary>A finite number from a table cell: a number, a boolean (1/0), or invariant-culture text.</summary>
    double ParseTarget(object? value, string where)
    {
        double parsed = value switch
        {
            null or DBNull => throw new FormatException($"{where}: target '{targetName}' is empty."),
            string s when string.IsNullOrWhiteSpace(s) => throw new FormatException($"{where}: target '{targetName}' is empty."),
            string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
                : throw new FormatException($"{where}: target '{targetName}' is '{s}', not a number."),
            bool b => b ? 1 : 0,
            IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal => c.ToDouble(CultureInfo.InvariantCulture),
            _ => throw new FormatException(
                $"{where}: target '{targetName}' is a {value.GetType().Name} ('{Convert.ToString(value, CultureInfo.InvariantCulture)}'), not a number."),
        };
        if (!double.IsFinite(parsed))
            throw new FormatException($"{where}: target '{targetName}' is '{Convert.ToString(value, CultureInfo.InvariantCulture)}', not a finite number.");
        return parsed;
    }
}
