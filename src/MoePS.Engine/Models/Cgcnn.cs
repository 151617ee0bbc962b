using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MoePS.Engine.Models;

/// <summary>
/// CGCNN regression network exactly as the reference CrystalGraphConvNet: embedding → convs →
/// per-crystal mean → softplus → conv_to_fc → softplus → (fcs with softplus) → fc_out.
/// Submodule names match the PyTorch state_dict keys (embedding, convs.{i}.*, conv_to_fc, fcs.{i}, fc_out).
/// <see cref="nn.Module{T,TResult}.forward"/> returns the raw (normalised) output, shape [crystals].
/// </summary>
public sealed class Cgcnn : Module<GraphBatch, Tensor>
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly Linear embedding;
    readonly ModuleList<CgcnnConvLayer> convs;
    readonly Linear conv_to_fc;
    readonly ModuleList<Linear>? fcs;
    readonly Linear fc_out;
#pragma warning restore IDE1006

    public Cgcnn(CgcnnArchitecture architecture) : base(nameof(Cgcnn))
    {
        architecture.Validate();
        Architecture = architecture;
        int f = architecture.AtomFeatureLength, h = architecture.HiddenLength;
        embedding = Linear(architecture.AtomInputLength, f);
        convs = new ModuleList<CgcnnConvLayer>(Enumerable.Range(0, architecture.ConvCount)
            .Select(_ => new CgcnnConvLayer(f, architecture.EdgeFeatureLength)).ToArray());
        conv_to_fc = Linear(f, h);
        if (architecture.HiddenLayers > 1)
            fcs = new ModuleList<Linear>(Enumerable.Range(0, architecture.HiddenLayers - 1).Select(_ => Linear(h, h)).ToArray());
        fc_out = Linear(h, 1);
        RegisterComponents();
    }

    public CgcnnArchitecture Architecture { get; }

    public int ConvCount => Architecture.ConvCount;

    /// <summary>
    /// Copies <paramref name="tensors"/> (by state_dict name, converted to each tensor's dtype and shape) into this network's
    /// state: a state of this architecture, such as another network's copy. A file's tensors go through
    /// <see cref="Formats.CgcnnWeights.LoadStrict(Cgcnn, IReadOnlyDictionary{string, Tensor}, string)"/>, which checks them first.
    /// </summary>
    public void CopyState(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, target) in state_dict())
            target.copy_(tensors[name].to(target.dtype).reshape(target.shape));
    }

    /// <summary>The convolution layer <paramref name="index"/> (0-based), e.g. to fine-tune or freeze it.</summary>
    public CgcnnConvLayer Conv(int index) => convs[index];

    /// <summary>Atom features after the embedding and the first <paramref name="convCount"/> convolutions, [atoms, F].</summary>
    public Tensor AtomFeatures(GraphBatch graph, int convCount)
    {
        if (convCount < 0 || convCount > ConvCount)
            throw new ArgumentOutOfRangeException(nameof(convCount), $"This CGCNN has {ConvCount} convolutions, not {convCount}.");
        using var scope = NewDisposeScope();
        return RunConvs(embedding.forward(graph.AtomFeatures), graph, 0, convCount).MoveToOuterDisposeScope();
    }

    /// <summary>Runs convolutions <paramref name="fromConv"/>..last on atom features (e.g. cached frozen ones).</summary>
    public Tensor ContinueConvs(Tensor atomFeatures, GraphBatch graph, int fromConv)
    {
        if (fromConv < 0 || fromConv > ConvCount)
            throw new ArgumentOutOfRangeException(nameof(fromConv), $"This CGCNN has {ConvCount} convolutions; cannot continue from {fromConv}.");
        if (fromConv == ConvCount) return atomFeatures;   // the caller's own tensor: it stays in the caller's scope
        using var scope = NewDisposeScope();
        return RunConvs(atomFeatures, graph, fromConv, ConvCount).MoveToOuterDisposeScope();
    }

    Tensor RunConvs(Tensor atoms, GraphBatch graph, int from, int to)
    {
        for (int i = from; i < to; i++) atoms = convs[i].forward(atoms, graph);
        return atoms;
    }

    /// <summary>Mean of the atom features of each crystal, [crystals, F].</summary>
    public static Tensor MeanPool(Tensor atomFeatures, GraphBatch graph)
    {
        using var scope = NewDisposeScope();
        var sums = zeros(graph.CrystalCount, atomFeatures.shape[1], atomFeatures.dtype, atomFeatures.device)
            .index_add(0, graph.CrystalOfAtom, atomFeatures, HeldScalars.One);
        return (sums / graph.AtomCounts.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The crystal feature the MoE paper extracts: Softplus(mean over atoms after the last conv), [crystals, F].</summary>
    public Tensor CrystalFeature(GraphBatch graph)
    {
        using var scope = NewDisposeScope();
        return FeatureFromAtoms(AtomFeatures(graph, ConvCount), graph).MoveToOuterDisposeScope();
    }

    /// <summary>Softplus(mean pooling) of atom features after the last conv.</summary>
    public static Tensor FeatureFromAtoms(Tensor atomFeatures, GraphBatch graph)
    {
        using var scope = NewDisposeScope();
        return HeldScalars.Softplus(MeanPool(atomFeatures, graph)).MoveToOuterDisposeScope();
    }

    /// <summary>The head on crystal features: conv_to_fc → softplus → hidden layers → fc_out; raw output [crystals].</summary>
    public Tensor Head(Tensor crystalFeature)
    {
        using var scope = NewDisposeScope();
        var x = HeldScalars.Softplus(conv_to_fc.forward(crystalFeature));
        if (fcs != null)
            foreach (var fc in fcs) x = HeldScalars.Softplus(fc.forward(x));
        return fc_out.forward(x).squeeze(1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(GraphBatch graph)
    {
        using var scope = NewDisposeScope();
        return Head(CrystalFeature(graph)).MoveToOuterDisposeScope();
    }
}
