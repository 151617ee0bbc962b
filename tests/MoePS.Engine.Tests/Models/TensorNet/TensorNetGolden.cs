using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>What MatGL's reference code computed for one structure in one dtype (golden.json).</summary>
public sealed record TensorNetExpected(int Pairs, double Energy, double[] Feature, double[] NodeFeatureOfAtom0, double[] NormsOfAtom0);

/// <summary>One structure of experts/tensornet_matpes_pbe/golden.json with its reference outputs in float64 and float32.</summary>
public sealed record TensorNetGoldenStructure(string Label, Crystal Crystal, TensorNetExpected DoublePrecision, TensorNetExpected SinglePrecision)
{
    public override string ToString() => Label;
}

/// <summary>
/// The 13 structures of the TensorNet golden file. Task rows are read from the data folder's tasks; the two NaCl
/// cells, which make_golden.py builds with pymatgen, are written here as pymatgen gives them (site order included).
/// </summary>
public static class TensorNetGolden
{
    static readonly Lazy<IReadOnlyList<TensorNetGoldenStructure>> Loaded = new(Load);

    public static IReadOnlyList<TensorNetGoldenStructure> Structures => Loaded.Value;

    public static string Folder => TestData.PathOf(TensorNetPotential.RelativePath);

    static List<TensorNetGoldenStructure> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "golden.json")));
        var tasks = new Dictionary<string, CrystalDataset>();
        var result = new List<TensorNetGoldenStructure>();
        foreach (var s in doc.RootElement.GetProperty("structures").EnumerateArray())
        {
            string label = s.GetProperty("label").GetString()!;
            Crystal crystal;
            if (s.GetProperty("task").ValueKind == JsonValueKind.Null)
                crystal = label.StartsWith("NaCl conventional", StringComparison.Ordinal) ? NaClConventional() : NaClPrimitive();
            else
            {
                string task = s.GetProperty("task").GetString()!;
                if (!tasks.TryGetValue(task, out var dataset))
                {
                    var read = MatminerDatasetReader.Read(TestData.PathOf("tasks", task + ".json.gz"));
                    if (read.SkippedRows != 0) throw new InvalidOperationException($"{task}: rows were skipped, so row numbers would not match.");
                    tasks[task] = dataset = read.Dataset;
                }
                crystal = dataset.Entries[s.GetProperty("row").GetInt32()].Crystal;
            }
            if (crystal.AtomCount != s.GetProperty("atoms").GetInt32())
                throw new InvalidOperationException($"{label}: {crystal.AtomCount} atoms, the golden file says {s.GetProperty("atoms").GetInt32()}.");
            result.Add(new TensorNetGoldenStructure(label, crystal, Expected(s.GetProperty("float64")), Expected(s.GetProperty("float32"))));
        }
        return result;
    }

    static TensorNetExpected Expected(JsonElement e) => new(
        e.GetProperty("edges").GetInt32(), e.GetProperty("energy").GetDouble(),
        Numbers(e.GetProperty("feature")), Numbers(e.GetProperty("node_feat_atom0")), Numbers(e.GetProperty("norms_atom0")));

    static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    /// <summary>Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]).</summary>
    static Crystal NaClConventional() => Make("NaCl-conventional", new double[,] { { 5.64, 0, 0 }, { 0, 5.64, 0 }, { 0, 0, 5.64 } },
        ("Na", 0, 0, 0), ("Na", 0.5, 0.5, 0), ("Na", 0.5, 0, 0.5), ("Na", 0, 0.5, 0.5),
        ("Cl", 0.5, 0.5, 0.5), ("Cl", 0, 0, 0.5), ("Cl", 0, 0.5, 0), ("Cl", 0.5, 0, 0));

    /// <summary>The conventional cell's get_primitive_structure().</summary>
    static Crystal NaClPrimitive() => Make("NaCl-primitive", new double[,] { { -2.82, -2.82, 0 }, { -2.82, 0, -2.82 }, { 0, -2.82, -2.82 } },
        ("Cl", 0.5, 0.5, 0.5), ("Na", 0, 0, 0));

    static Crystal Make(string id, double[,] matrix, params (string Symbol, double A, double B, double C)[] sites)
    {
        var lattice = new Lattice(matrix);
        return new Crystal(id, lattice, sites.Select(s =>
        {
            var f = new[] { s.A, s.B, s.C };
            return new Site(Element.Parse(s.Symbol), f, lattice.ToCartesian(f));
        }).ToList());
    }
}

