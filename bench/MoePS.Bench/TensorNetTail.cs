using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static MoePS.Engine.Models.TensorNet.CartesianTensors;

namespace MoePS.Bench;

/// <summary>
/// The last interaction block of a TensorNet potential with its <c>out_norm</c> and <c>linear</c>, as a trainable copy:
/// from each crystal's node tensors before that block (cached once, <see cref="TensorNetTailInputs"/>) to its crystal
/// feature, the mean of node_feat. At the copied weights it gives the frozen expert's feature; trained, it is TensorNet
/// with its last block fine-tuned, as the paper fine-tunes a CGCNN extractor's last convolution.
/// </summary>
internal sealed class TensorNetTail : Module
{
#pragma warning disable IDE1006 // names must match the potential's state_dict keys
    readonly TensorNetInteraction block;
    readonly LayerNorm out_norm;
    readonly Linear linear;
#pragma warning restore IDE1006

    public TensorNetTail(TensorNetPotential potential) : base(nameof(TensorNetTail))
    {
        var architecture = potential.Architecture;
        int units = architecture.Units;
        block = new TensorNetInteraction(units, architecture.RadialFunctions);
        out_norm = LayerNorm(3 * units);
        linear = Linear(3 * units, units);
        RegisterComponents();
        string last = $"layers.{architecture.Blocks - 1}.";
        var source = potential.Model.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            string key = name.StartsWith("block.", StringComparison.Ordinal) ? last + name["block.".Length..] : name;
            parameter.copy_(source[key]);
        }
    }

    /// <summary>The crystal features of a batch, [crystals, units].</summary>
    public Tensor Features(TensorNetTailBatch batch)
    {
        using var scope = NewDisposeScope();
        var nodes = linear.forward(out_norm.forward(PartSquaredNorms(block.Interact(batch.Tensors, batch.Pairs))));
        var sums = zeros(batch.AtomCounts.Length, nodes.shape[1], dtype: nodes.dtype).index_add(0, batch.CrystalOfAtom, nodes, HeldScalars.One);
        return sums.div(tensor(batch.AtomCounts.Select(n => (float)n).ToArray()).unsqueeze(1)).MoveToOuterDisposeScope();
    }
}

/// <summary>Several crystals' cached inputs to the last block, atoms and pairs concatenated.</summary>
internal sealed record TensorNetTailBatch(Tensor Tensors, PairGeometry Pairs, Tensor CrystalOfAtom, int[] AtomCounts);

/// <summary>
/// Per crystal, what the last interaction block reads: the node tensors after the blocks before it and the pairs'
/// geometry, computed once with the potential's frozen weights (float32, each crystal alone).
/// </summary>
internal sealed class TensorNetTailInputs : IDisposable
{
    readonly List<(Tensor Tensors, PairGeometry Pairs)> crystals = new();

    public int Count => crystals.Count;

    public TensorNetTailInputs(TensorNetPotential potential, IReadOnlyList<Crystal> structures)
    {
        var architecture = potential.Architecture;
        var children = potential.Model.named_children().ToDictionary(c => c.name, c => c.module);
        var embedding = (TensorEmbedding)children["tensor_embedding"];
        var layers = (ModuleList<TensorNetInteraction>)children["layers"];
        var basis = new SmoothSphericalBessel(architecture.RadialFunctions, architecture.Cutoff);
        using var noGrad = no_grad();
        foreach (var crystal in structures)
        {
            using var scope = NewDisposeScope();
            using var batch = potential.Batch(new[] { crystal });
            var pairs = PairGeometry.Of(batch, basis, architecture.Cutoff);
            var x = embedding.Embed(batch.Types, pairs);
            for (int l = 0; l < architecture.Blocks - 1; l++) x = layers[l].Interact(x, pairs);
            // Source and Target are the batch's own tensors, disposed with it.
            crystals.Add((x.MoveToOuterDisposeScope(), Keep(pairs with { Source = pairs.Source.clone(), Target = pairs.Target.clone() })));
        }
    }

    static PairGeometry Keep(PairGeometry pairs) => new(pairs.Source.MoveToOuterDisposeScope(), pairs.Target.MoveToOuterDisposeScope(),
        pairs.Vector.MoveToOuterDisposeScope(), pairs.Distance.MoveToOuterDisposeScope(), pairs.Basis.MoveToOuterDisposeScope(),
        pairs.Envelope.MoveToOuterDisposeScope());

    /// <summary>The crystals <paramref name="rows"/> as one batch (pair indices shifted to the concatenated atoms).</summary>
    public TensorNetTailBatch Batch(int[] rows)
    {
        var tensors = new Tensor[rows.Length];
        var parts = new PairGeometry[rows.Length];
        var source = new Tensor[rows.Length];
        var target = new Tensor[rows.Length];
        var counts = new int[rows.Length];
        long first = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var (x, pairs) = crystals[rows[i]];
            tensors[i] = x;
            parts[i] = pairs;
            counts[i] = (int)x.shape[0];
            source[i] = pairs.Source.add(first);
            target[i] = pairs.Target.add(first);
            first += counts[i];
        }
        Tensor Joined(Func<PairGeometry, Tensor> field) => cat(parts.Select(field).ToArray(), 0);
        var geometry = new PairGeometry(cat(source, 0), cat(target, 0), Joined(p => p.Vector), Joined(p => p.Distance), Joined(p => p.Basis),
            Joined(p => p.Envelope));
        var crystalOfAtom = tensor(counts.SelectMany((n, i) => Enumerable.Repeat((long)i, n)).ToArray());
        return new TensorNetTailBatch(cat(tensors, 0), geometry, crystalOfAtom, counts);
    }

    public void Dispose()
    {
        foreach (var (x, pairs) in crystals)
        {
            x.Dispose();
            foreach (var t in new[] { pairs.Source, pairs.Target, pairs.Vector, pairs.Distance, pairs.Basis, pairs.Envelope }) t.Dispose();
        }
    }
}
