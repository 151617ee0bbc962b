namespace MoePS.Engine.Graphs;

/// <summary>CGCNN's edge features: each neighbour distance expanded on a grid of Gaussians.</summary>
public static class GaussianExpansion
{
    /// <summary>
    /// exp(−(d − μ_k)² / width²) for every neighbour slot and centre μ_k of
    /// <see cref="GraphSettings.GaussianCentres"/>, laid out [atom, slot, k] row-major
    /// (atoms × MaxNeighbours × centres). Computed in float64 and rounded to float32, as CGCNN
    /// does (numpy float64, then a float32 tensor).
    /// </summary>
    public static float[] Expand(CrystalGraph graph, GraphSettings settings)
    {
        var centres = settings.GaussianCentres();
        var output = new float[graph.NeighbourDistance.Length * centres.Length];
        Expand(graph.NeighbourDistance, centres, settings.GaussianWidth, output);
        return output;
    }

    /// <summary>Writes the expansion of <paramref name="distances"/> into <paramref name="output"/> (distances × centres).</summary>
    public static void Expand(ReadOnlySpan<double> distances, ReadOnlySpan<double> centres, double width, Span<float> output)
    {
        int k = centres.Length;
        if (output.Length != distances.Length * k)
            throw new ArgumentException($"Output needs {distances.Length * k} floats, has {output.Length}.", nameof(output));
        double width2 = width * width; // divided, not multiplied by the inverse, as numpy does
        for (int e = 0; e < distances.Length; e++)
        {
            double d = distances[e];
            var row = output.Slice(e * k, k);
            for (int c = 0; c < k; c++)
            {
                double x = d - centres[c];
                row[c] = (float)Math.Exp(-(x * x) / width2);
            }
        }
    }
}
