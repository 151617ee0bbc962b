using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// Some crystals of a <see cref="FrozenFeatures"/>: their graph batch for the CGCNN extractors (null when the mixture has
/// none) and their rows, which index the other experts' cached crystal features or fine-tuned blocks' inputs.
/// </summary>
internal sealed class MixtureBatch : IDisposable
{
    public MixtureBatch(GraphBatch? graphs, int[] rowIndices, Device device)
    {
        Graphs = graphs;
        RowIndices = rowIndices;
        Rows = tensor(rowIndices.Select(r => (long)r).ToArray(), device: device);
    }

    public GraphBatch? Graphs { get; }
    /// <summary>[crystals] int64: each crystal's row in the features.</summary>
    public Tensor Rows { get; }
    /// <summary>The same rows on the host (a fine-tuned TensorNet block's inputs are gathered crystal by crystal).</summary>
    public int[] RowIndices { get; }
    public int CrystalCount => (int)Rows.shape[0];

    public void Dispose()
    {
        Graphs?.Dispose();
        Rows.Dispose();
    }
}
