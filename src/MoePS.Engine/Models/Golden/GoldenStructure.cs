using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;

namespace MoePS.Engine.Models.Golden;

/// <summary>One structure of the golden file with its reference neighbour list (as the paper's code built it) and its JSON entry.</summary>
public sealed record GoldenStructure(string Task, int Row, Crystal Crystal, CrystalGraph Graph, JsonElement Json)
{
    /// <summary>The reference outputs of <paramref name="extractor"/> on this structure (raw_output, prediction, conv_feature).</summary>
    public JsonElement Output(string extractor) => Json.GetProperty("outputs").GetProperty(extractor);
}
