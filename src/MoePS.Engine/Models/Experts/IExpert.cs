using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Experts;

/// <summary>
/// What a mixture needs of a pre-trained expert, whatever its architecture: a feature vector of a declared width per
/// crystal, the graphs it reads, and a key its cached features are stored under. A CGCNN
/// <see cref="Extractors.Extractor"/> is one, whose last convolution(s) the mixture fine-tunes (its trainable last block);
/// any other expert enters the mixture frozen, its features computed once per structure (<see cref="FeatureCache"/>),
/// and the mixture learns a projection of them instead (see <see cref="Mixture.FrozenExpertAdapter"/>), unless it is an
/// <see cref="ITunableExpert"/> whose last block the mixture is asked to fine-tune. A third kind
/// of expert is one class implementing this.
/// </summary>
public interface IExpert : IDisposable
{
    string Name { get; }

    /// <summary>The architecture, e.g. CGCNN or TensorNet.</summary>
    string Kind { get; }

    /// <summary>What it was trained on, in words (a CGCNN extractor's source task).</summary>
    string Description { get; }

    /// <summary>Width of the feature vector per crystal (64 for the paper's CGCNNs, 128 for TensorNet).</summary>
    int FeatureLength { get; }

    /// <summary>The CGCNN graphs it reads, or null when it reads the crystal's atoms itself.</summary>
    GraphSettings? GraphSettings { get; }

    /// <summary>Identifies the weights and numerics its features come from: features cached under one key are interchangeable.</summary>
    string CacheKey { get; }

    /// <summary>Throws (naming the crystal) when the expert cannot take this crystal, e.g. an element it has no features for.</summary>
    void CheckSupports(Crystal crystal);

    /// <summary>Eval-mode feature vectors, one per crystal, in order, each <see cref="FeatureLength"/> long.</summary>
    float[][] Features(CrystalInputs crystals, ComputeDevice device);
}
