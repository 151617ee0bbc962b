using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models;

/// <summary>Anything that predicts a crystal property: an extractor alone, a mixture model, ….</summary>
public interface IPropertyModel
{
    string Name { get; }
    /// <summary>What it predicts (e.g. the source task's description or the dataset's target name).</summary>
    string PropertyName { get; }
    string? Unit { get; }
    /// <summary>The CGCNN graphs it reads (atoms with no neighbour in them are refused), or null when it reads none.</summary>
    GraphSettings? GraphSettings { get; }
    /// <summary>Throws (naming the crystal) when the model cannot take this crystal, e.g. an element it has no features for.</summary>
    void CheckSupports(Crystal crystal);
    /// <summary>Denormalised predictions, one per crystal, in order; eval mode, independent of batch composition.</summary>
    double[] Predict(CrystalInputs crystals, ComputeDevice device);
}
