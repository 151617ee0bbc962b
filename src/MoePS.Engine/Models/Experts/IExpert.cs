using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Experts;

/// <summary>
/// What a mixture needs of a pre-trained expert, whatever its architecture: a feature vector of a
/// declared width per crystal, and how crystals must become graphs for it (the graphs are cached
/// under these settings). A CGCNN <see cref="Extractors.Extractor"/> is one; an expert that is only
/// used frozen needs nothing more. Fine-tuning an expert's last block is still CGCNN's own (the
/// mixture stacks CGCNN convolutions), so it is not part of this contract yet.
/// </summary>
public interface IExpert
{
    string Name { get; }

    /// <summary>Width of the feature vector per crystal (64 for the paper's CGCNNs).</summary>
    int FeatureLength { get; }

    /// <summary>How crystals must be turned into graphs for this expert.</summary>
    GraphSettings GraphSettings { get; }

    /// <summary>Throws (naming the crystal) when the expert cannot take this crystal, e.g. an element it has no features for.</summary>
    void CheckSupports(Crystal crystal);

    /// <summary>Eval-mode feature vectors, one per graph, in order, each <see cref="FeatureLength"/> long.</summary>
    float[][] Features(IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> crystalIds, ComputeDevice device);
}
