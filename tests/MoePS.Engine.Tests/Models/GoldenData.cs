using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;

namespace MoePS.Engine.Tests.Models;

/// <summary>The 15 structures of golden/cgcnn_golden.json with their reference neighbour lists and outputs.</summary>
public sealed record GoldenStructure(string Task, int Row, Crystal Crystal, CrystalGraph Graph, JsonElement Json)
{
    public JsonElement Output(string extractor) => Json.GetProperty("outputs").GetProperty(extractor);
}

public static class GoldenData
{
    public static readonly string[] Extractors = { "mp_eform", "mp_bandgap", "jarvis_eform" };

    static readonly Lazy<(JsonDocument Doc, IReadOnlyList<GoldenStructure> Structures)> Loaded = new(Load);

    public static IReadOnlyList<GoldenStructure> Structures => Loaded.Value.Structures;

    static (JsonDocument, IReadOnlyList<GoldenStructure>) Load()
    {
        var doc = JsonDocument.Parse(File.ReadAllBytes(TestData.PathOf("golden", "cgcnn_golden.json")));
        var list = new List<GoldenStructure>();
        foreach (var task in doc.RootElement.GetProperty("tasks").EnumerateObject())
            foreach (var s in task.Value.GetProperty("structures").EnumerateArray())
            {
                int row = s.GetProperty("row").GetInt32();
                string id = $"{task.Name}#{row}";
                var crystal = PymatgenStructure.Read(s.GetProperty("structure"), id, "cgcnn_golden.json");
                var z = s.GetProperty("atomic_numbers").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                var neighbours = s.GetProperty("neighbors").EnumerateArray().ToList();
                int m = neighbours[0].GetProperty("nbr_idx").GetArrayLength();
                var idx = neighbours.SelectMany(n => n.GetProperty("nbr_idx").EnumerateArray().Select(x => x.GetInt32())).ToArray();
                var dist = neighbours.SelectMany(n => n.GetProperty("nbr_dist").EnumerateArray().Select(x => x.GetDouble())).ToArray();
                list.Add(new GoldenStructure(task.Name, row, crystal, new CrystalGraph(z, idx, dist, m), s));
            }
        return (doc, list);
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
}
