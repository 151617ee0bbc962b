using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Extractors;

/// <summary>
/// A whole CGCNN bound to a dataset's graph tensors, for single-task learning and pre-training:
/// every layer learns at the base rate. Rows are the dataset's row indices.
/// </summary>
public sealed class CgcnnTrainingTarget : ITrainingTarget, IDisposable
{
    readonly Cgcnn model;
    readonly GraphTensorSet graphs;
    readonly bool ownsGraphs;

    /// <summary>Binds <paramref name="model"/> to ready graph tensors (moved to their device); the caller keeps owning them.</summary>
    public CgcnnTrainingTarget(Cgcnn model, GraphTensorSet graphs) : this(model, graphs, ownsGraphs: false) { }

    CgcnnTrainingTarget(Cgcnn model, GraphTensorSet graphs, bool ownsGraphs)
    {
        this.model = model;
        this.graphs = graphs;
        this.ownsGraphs = ownsGraphs;
        model.to(graphs.Device);
    }

    /// <summary>Builds the dataset's graph tensors once on <paramref name="device"/> and binds the model to them.</summary>
    public static CgcnnTrainingTarget ForDataset(Cgcnn model, CrystalDataset dataset, GraphSettings settings, ElementFeatures elements, Device device)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        var set = GraphTensorSet.FromCrystals(dataset.Entries.Select(e => e.Crystal).ToList(), settings, elements, device);
        return new CgcnnTrainingTarget(model, set, ownsGraphs: true);
    }

    public Cgcnn Model => model;
    public GraphTensorSet Graphs => graphs;
    public Device Device => graphs.Device;

    public IReadOnlyDictionary<string, string> Identity
    {
        get
        {
            var a = model.Architecture;
            return new Dictionary<string, string>
            {
                ["Model"] = "CGCNN (STL)",
                ["Architecture"] = FormattableString.Invariant(
                    $"orig_atom_fea_len {a.AtomInputLength}, nbr_fea_len {a.EdgeFeatureLength}, atom_fea_len {a.AtomFeatureLength}, n_conv {a.ConvCount}"),
                ["Head"] = FormattableString.Invariant($"h_fea_len {a.HiddenLength}, n_h {a.HiddenLayers}"),
            };
        }
    }

    public IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate) =>
        new[] { new ParameterGroup("cgcnn", model.parameters().ToList(), baseLearningRate) };

    public void SetTraining(bool training) => model.train(training);

    public Tensor Forward(int[] rows)
    {
        using var batch = graphs.Select(rows);
        return model.forward(batch);
    }

    public Tensor? Regularisation() => null;

    public IReadOnlyDictionary<string, Tensor> CaptureState() => ModuleState.Copy(model);

    public void RestoreState(IReadOnlyDictionary<string, Tensor> state) => model.CopyState(state);

    public void Dispose()
    {
        if (ownsGraphs) graphs.Dispose();
        GatedMessageWorkspace.ReleaseIn(model);   // the model outlives its training; its per-edge memory need not
    }
}
