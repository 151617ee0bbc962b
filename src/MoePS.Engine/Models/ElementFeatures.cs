using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models;

/// <summary>
/// The per-element input vectors of a CGCNN (CGCNN's atom_init.json: keys "1".."100", each a list
/// of 92 numbers), indexed by atomic number.
/// </summary>
public sealed class ElementFeatures
{
    public const string DefaultFileName = "atom_init.json";

    readonly SortedDictionary<int, float[]> table;

    public ElementFeatures(IReadOnlyDictionary<int, float[]> vectors)
    {
        if (vectors.Count == 0) throw new ArgumentException("An element-feature table needs at least one element.");
        Length = vectors.First().Value.Length;
        table = new SortedDictionary<int, float[]>();
        foreach (var (z, v) in vectors)
        {
            if (v.Length != Length)
                throw new ArgumentException($"Element Z={z} has {v.Length} features; the table's others have {Length}.");
            table[z] = (float[])v.Clone();
        }
    }

    /// <summary>Length of each element's vector (92 for CGCNN's table).</summary>
    public int Length { get; }

    public IReadOnlyCollection<int> AtomicNumbers => table.Keys;

    public bool Contains(int z) => table.ContainsKey(z);

    /// <summary>True when both tables hold the same elements with identical vectors.</summary>
    public bool SameAs(ElementFeatures other) =>
        ReferenceEquals(this, other)
        || (Length == other.Length && table.Count == other.table.Count
            && table.All(kv => other.table.TryGetValue(kv.Key, out var v) && kv.Value.AsSpan().SequenceEqual(v)));

    /// <summary>The vector of element Z; a copy-free view the caller must not modify.</summary>
    public float[] this[int z] => table[z];

    /// <summary>Throws <see cref="UnsupportedElementException"/> naming the crystal (and its file, when known) and element when any atom lacks a vector.</summary>
    public void CheckCovers(string crystalId, IEnumerable<int> atomicNumbers, string? source = null)
    {
        foreach (int z in atomicNumbers)
            if (!table.ContainsKey(z))
                throw new UnsupportedElementException(crystalId, z, SymbolOf(z), Coverage(), source);
    }

    /// <summary><see cref="CheckCovers(string, IEnumerable{int}, string?)"/> for a crystal, naming its file.</summary>
    public void CheckCovers(Crystal crystal) => CheckCovers(crystal.Id, crystal.AtomicNumbers, crystal.Source);

    string Coverage() => $"it covers Z={table.Keys.First()}..{table.Keys.Last()}, {table.Count} elements";

    static string SymbolOf(int z) => z >= 1 && z <= Element.Count ? Element.FromNumber(z).Symbol : $"element {z}";

    public static ElementFeatures Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Element-feature table not found: {path}", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new ExtractorFormatException(path, $"not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Reads {"Z": [numbers...], ...}; <paramref name="source"/> names the file in errors.</summary>
    public static ElementFeatures FromJson(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new ExtractorFormatException(source, "the element-feature table must be a JSON object mapping atomic numbers to lists of numbers.");
        var vectors = new Dictionary<int, float[]>();
        foreach (var p in root.EnumerateObject())
        {
            if (!int.TryParse(p.Name, out int z) || z < 1)
                throw new ExtractorFormatException(source, $"key '{p.Name}' is not an atomic number.");
            if (p.Value.ValueKind != JsonValueKind.Array)
                throw new ExtractorFormatException(source, $"element '{p.Name}' is not a list of numbers.");
            vectors[z] = p.Value.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetSingle()
                : throw new ExtractorFormatException(source, $"element '{p.Name}' has a non-number entry '{x}'.")).ToArray();
        }
        try
        {
            return new ElementFeatures(vectors);
        }
        catch (ArgumentException e)
        {
            throw new ExtractorFormatException(source, e.Message, e);
        }
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (z, v) in table)
        {
            writer.WriteStartArray(z.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (float x in v) writer.WriteNumberValue(x);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>CGCNN's table from the data folders ($MOEPS_DATA_PATH, then the user cache).</summary>
    public static ElementFeatures LoadDefault()
    {
        string? path = DataLocations.Find(DefaultFileName);
        return path != null ? Load(path) : throw new FileNotFoundException(
            $"CGCNN's element-feature table '{DefaultFileName}' was not found. Put it at the root of a data folder: " +
            string.Join(", ", DataLocations.DataFolders()) + $" (set ${DataLocations.DataPathVariable} to choose one).", DefaultFileName);
    }

    public bool ContentEquals(ElementFeatures other) =>
        table.Count == other.table.Count && table.All(kv => other.table.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
}
