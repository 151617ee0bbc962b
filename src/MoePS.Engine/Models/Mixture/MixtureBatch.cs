using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// Some crystals of a <see cref="FrozenFeatures"/>: their graph batch for the CGCNN extractors (null when the mixture has
/// none) and their rows, which index the frozen experts' cached crystal features.
/// </summary>
internal sealed class MixtureBatch : IDisposable
{
    public MixtureBatch(GraphBatch? graphs, Tensor rows)
    {
        Graphs = graphs;
        Rows = rows;
    }

    public GraphBatch? Graphs { get; }
    /// <summary>[crystals] int64: each crystal's row in the features.</summary>
    public Tensor Rows { get; }
    public int CrystalCount => (int)Rows.shape[0];

    public void Dispose()
    {
        Graphs?.Dispose();
        Rows.Dispose();
    }
}
