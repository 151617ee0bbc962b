using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static MoePS.Engine.Models.TensorNet.CartesianTensors;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// MatGL's TensorNet model (PyG backend): embedding, interaction layers, then per atom the squared norms of the I, A and
/// S parts of X (3·units numbers), <c>out_norm</c> (LayerNorm) and <c>linear</c>, giving <c>node_feat</c>; the gated
/// readout turns node_feat into per-atom energies in the model's normalised units. Names match the state_dict keys
/// under <c>model.</c>.
/// </summary>
public sealed class TensorNetModel : Module
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly TensorEmbedding tensor_embedding;
    readonly ModuleList<TensorNetInteraction> layers;
    readonly LayerNorm out_norm;
    readonly Linear linear;
    readonly GatedReadout final_layer;
#pragma warning restore IDE1006
    readonly SmoothSphericalBessel basis;

    /// <summary>Linear+SiLU blocks of the readout before its last Linear (MatGL: WeightedReadOut dims [units, units]).</summary>
    const int ReadoutHiddenLayers = 3;

    public TensorNetModel(TensorNetArchitecture architecture) : base(nameof(TensorNetModel))
    {
        Architecture = architecture;
        int units = architecture.Units, radial = architecture.RadialFunctions;
        basis = new SmoothSphericalBessel(radial, architecture.Cutoff);
        tensor_embedding = new TensorEmbedding(units, radial, architecture.ElementTypes.Count);
        layers = new ModuleList<TensorNetInteraction>(Enumerable.Range(0, architecture.Blocks).Select(_ => new TensorNetInteraction(units, radial)).ToArray());
        out_norm = LayerNorm(3 * units);
        linear = Linear(3 * units, units);
        final_layer = new GatedReadout(units, ReadoutHiddenLayers);
        RegisterComponents();
    }

    public TensorNetArchitecture Architecture { get; }

    /// <summary>node_feat of every atom of the batch, [atoms, units].</summary>
    public Tensor NodeFeatures(TensorNetBatch batch)
    {
        var features = NodeFeatures(batch, out var norms);
        norms.Dispose();
        return features;
    }

    /// <summary>node_feat, and the 3·units squared norms of X's I, A, S parts that enter <c>out_norm</c>, [atoms, 3·units].</summary>
    public Tensor NodeFeatures(TensorNetBatch batch, out Tensor norms)
    {
        using var scope = NewDisposeScope();
        var (x, pairs) = LastBlockInputs(batch);
        norms = PartSquaredNorms(layers[layers.Count - 1].Interact(x, pairs));
        var features = NodeFeaturesOf(norms, out_norm, linear);
        norms = norms.MoveToOuterDisposeScope();
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the last interaction layer reads: the node tensors after the embedding and the layers before it,
    /// [atoms, units, 3, 3], and the pairs (whose Source and Target are the batch's own tensors). Made in the caller's
    /// dispose scope.
    /// </summary>
    public (Tensor Tensors, RadialPairs Pairs) LastBlockInputs(TensorNetBatch batch)
    {
        var geometry = PairGeometry.Of(batch, basis, Architecture.Cutoff);
        var pairs = geometry.Radial;
        var x = tensor_embedding.Embed(batch.Types, geometry);
        for (int l = 0; l < layers.Count - 1; l++) x = layers[l].Interact(x, pairs);
        return (x, pairs);
    }

    /// <summary>
    /// node_feat from the squared norms of the last interaction layer's output's I, A, S parts, [atoms, 3·units]:
    /// <paramref name="outNorm"/> and <paramref name="linear"/>, the model's own modules or a <see cref="TensorNetTail"/>'s
    /// trained copies of them.
    /// </summary>
    internal static Tensor NodeFeaturesOf(Tensor partSquaredNorms, LayerNorm outNorm, Linear linear) =>
        linear.forward(outNorm.forward(partSquaredNorms));

    /// <summary>Per-atom energies in the model's normalised units, [atoms].</summary>
    public Tensor AtomicEnergies(Tensor nodeFeatures) => final_layer.PerAtom(nodeFeatures);
}
