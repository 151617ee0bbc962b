using System.Text.Json.Serialization;

namespace MoePS.Engine.Graphs;

/// <summary>How a crystal becomes a CGCNN graph: neighbour cut-off and count, and the Gaussian edge grid.</summary>
public sealed record GraphSettings
{
    public double Radius { get; init; } = 8.0;
    public int MaxNeighbours { get; init; } = 12;
    public double GaussianMin { get; init; }
    public double GaussianMax { get; init; } = 8.0;
    public double GaussianStep { get; init; } = 0.2;
    /// <summary>Width of each Gaussian: exp(−(d−μ)²/Width²).</summary>
    public double GaussianWidth { get; init; } = 0.2;
    /// <summary>Distance given to padding neighbours; CGCNN uses radius + 1.</summary>
    [JsonIgnore]
    public double PadDistance => Radius + 1.0;

    public static GraphSettings Default { get; } = new();

    /// <summary>Gaussian centres μ_k = min, min+step, … ≤ max (41 for the defaults), as numpy.arange computes them.</summary>
    public double[] GaussianCentres()
    {
        int n = (int)Math.Ceiling((GaussianMax + GaussianStep - GaussianMin) / GaussianStep);
        return Enumerable.Range(0, n).Select(k => GaussianMin + k * GaussianStep).ToArray();
    }

    [JsonIgnore]
    public int EdgeFeatureLength => GaussianCentres().Length;

    /// <summary>A stable text key of these settings, for caches.</summary>
    [JsonIgnore]
    public string Key => FormattableString.Invariant($"r{Radius}-n{MaxNeighbours}-g{GaussianMin}-{GaussianMax}-{GaussianStep}-{GaussianWidth}");
}
