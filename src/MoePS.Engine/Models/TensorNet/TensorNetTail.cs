using MoePS.Engine.Models.Experts;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// A trainable copy of a TensorNet model's last interaction layer with its <c>out_norm</c> and <c>linear</c>: from the
/// node tensors entering that layer (<see cref="TensorNetTailInputs"/>) to the crystal feature, the mean of node_feat. At
/// the copied weights it gives the frozen potential's feature; trained, it is the potential with its last block
/// fine-tuned, as the paper fine-tunes a CGCNN extractor's last convolution.
/// </summary>
public sealed class TensorNetTail : TunableBlock
{
#pragma warning disable IDE1006 // names must match the potential's state_dict keys
    readonly TensorNetInteraction block;
    readonly LayerNorm out_norm;
    readonly Linear linear;
#pragma warning restore IDE1006

    public TensorNetTail(TensorNetModel model) : base(nameof(TensorNetTail))
    {
        var architecture = model.Architecture;
        int units = architecture.Units;
        block = new TensorNetInteraction(units, architecture.RadialFunctions) { FusesMessages = true };
        out_norm = LayerNorm(3 * units);
        linear = Linear(3 * units, units);
        RegisterComponents();
        string last = $"layers.{architecture.Blocks - 1}.";
        var source = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            string key = name.StartsWith("block.", StringComparison.Ordinal) ? last + name["block.".Length..] : name;
            parameter.copy_(source[key]);
        }
    }

    public override Tensor Features(TunableBlockInputs inputs, IReadOnlyList<int> rows) => Features(((TensorNetTailInputs)inputs).Batch(rows));

    /// <summary>The crystal features of a batch, [crystals, units].</summary>
    public Tensor Features(TensorNetTailBatch batch)
    {
        using var scope = NewDisposeScope();
        var nodes = TensorNetModel.NodeFeaturesOf(block.PartSquaredNormsAfter(batch.Normalised, batch.Components, batch.Pairs), out_norm, linear);
        return TensorNetPotential.MeanOverCrystals(nodes, batch.AtomCounts).MoveToOuterDisposeScope();
    }
}
