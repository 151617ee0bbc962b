using MoePS.Engine.Models.Golden;

namespace MoePS.Engine.Tests.Models;

/// <summary>The 15 structures of the data folder's golden/cgcnn_golden.json (read by the engine's <see cref="GoldenReference"/>).</summary>
public static class GoldenData
{
    static readonly Lazy<GoldenReference> Loaded = new(() => GoldenReference.Load(TestData.PathOf(GoldenReference.RelativePath)));

    public static GoldenReference Reference => Loaded.Value;

    public static IReadOnlyList<GoldenStructure> Structures => Loaded.Value.Structures;

    public static float[] Floats(System.Text.Json.JsonElement array) => GoldenReference.Floats(array);
}
