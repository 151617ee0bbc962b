using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Golden;

/// <summary>
/// The data folder's golden/cgcnn_golden.json: structures of three paper tasks with the neighbour lists and the float32
/// eval-mode outputs that the paper's own code (rees-c/MoE) computed for three of its extractors. A re-implementation
/// (and MoePS on another device or libtorch) must reproduce them within <see cref="Tolerance"/>.
/// </summary>
public sealed class GoldenReference
{
    /// <summary>The largest absolute difference a golden check accepts in a raw output, prediction or feature component.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Where the golden file lies under a data folder.</summary>
    public static readonly string RelativePath = Path.Combine("golden", "cgcnn_golden.json");

    GoldenReference(IReadOnlyList<GoldenStructure> structures, IReadOnlyList<string> extractors)
    {
        Structures = structures;
        Extractors = extractors;
    }

    public IReadOnlyList<GoldenStructure> Structures { get; }

    /// <summary>Names of the extractors the file has reference outputs for.</summary>
    public IReadOnlyList<string> Extractors { get; }

    public static GoldenReference Load(string path)
    {
        var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<GoldenStructure>();
        foreach (var task in doc.RootElement.GetProperty("tasks").EnumerateObject())
            foreach (var s in task.Value.GetProperty("structures").EnumerateArray())
            {
                int row = s.GetProperty("row").GetInt32();
                var crystal = PymatgenStructure.Read(s.GetProperty("structure"), $"{task.Name}#{row}", Path.GetFileName(path));
                var z = s.GetProperty("atomic_numbers").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                var neighbours = s.GetProperty("neighbors").EnumerateArray().ToList();
                int m = neighbours[0].GetProperty("nbr_idx").GetArrayLength();
                var idx = neighbours.SelectMany(n => n.GetProperty("nbr_idx").EnumerateArray().Select(x => x.GetInt32())).ToArray();
                var dist = neighbours.SelectMany(n => n.GetProperty("nbr_dist").EnumerateArray().Select(x => x.GetDouble())).ToArray();
                list.Add(new GoldenStructure(task.Name, row, crystal, new CrystalGraph(z, idx, dist, m), s));
            }
        var extractors = doc.RootElement.GetProperty("extractors").EnumerateObject().Select(e => e.Name).ToList();
        return new GoldenReference(list, extractors);
    }

    public IReadOnlyList<CrystalGraph> Graphs => Structures.Select(s => s.Graph).ToList();

    public IReadOnlyList<string> Ids => Structures.Select(s => s.Crystal.Id).ToList();

    /// <summary>The reference outputs of <paramref name="extractor"/> on every structure, in <see cref="Structures"/> order.</summary>
    public ExtractorOutput ExpectedOutput(string extractor)
    {
        var outputs = Structures.Select(s => s.Output(extractor)).ToList();
        return new ExtractorOutput(
            outputs.Select(o => o.GetProperty("raw_output").GetDouble()).ToArray(),
            outputs.Select(o => o.GetProperty("prediction").GetDouble()).ToArray(),
            outputs.Select(o => Floats(o.GetProperty("conv_feature"))).ToArray());
    }

    /// <summary>A JSON array of numbers as float32, as the reference computed them.</summary>
    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    /// <summary>
    /// Evaluates <paramref name="extractor"/> on the golden graphs on <paramref name="device"/> and compares it with the
    /// reference outputs: the check the golden xunit tests and the device check both make.
    /// </summary>
    public OutputDeviation Check(Extractor extractor, ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        using var set = extractor.GraphTensors(Graphs, Ids, device);
        return OutputDeviation.Between(ExpectedOutput(extractor.Name), extractor.Evaluate(set, device), Ids);
    }
}
