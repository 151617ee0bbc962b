using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The frozen convolutions of every extractor (those before the fine-tuned ones), stacked per group,
/// with the mixture's own BatchNorm running statistics: the weights are copies of the extractors' and
/// never learn, but the statistics follow the downstream task (<see cref="FrozenNormalization.Adapt"/>
/// and <see cref="FrozenNormalization.Batch"/>). A Source mixture has none: the extractors' own layers
/// compute its frozen features.
/// </summary>
internal sealed class FrozenConvolutions : nn.Module
{
    readonly IReadOnlyList<ExtractorGroup> groups;
    readonly ModuleList<ModuleList<StackedConvLayer>> layers = new();

    public FrozenConvolutions(IReadOnlyList<ExtractorGroup> groups, int fineTuneLayers)
        : base(nameof(FrozenConvolutions))
    {
        this.groups = groups;
        foreach (var g in groups)
        {
            var stacked = new ModuleList<StackedConvLayer>();
            for (int depth = 0; depth < g.Architecture.ConvCount - fineTuneLayers; depth++)
                stacked.Add(new StackedConvLayer(g.Extractors.Select(e => ConvLayerWeights.Of(e.Model.Conv(depth))).ToArray()));
            layers.Add(stacked);
        }
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad = false;
    }

    /// <summary>
    /// Group <paramref name="group"/>'s frozen layers for its members at <paramref name="local"/> positions, without
    /// gradients; in training mode they normalise with the batch and update their running statistics.
    /// </summary>
    /// <param name="atoms">Embedded atom features, [atoms, k, F].</param>
    /// <returns>Atom features entering the first fine-tuned layer, [atoms, k, F].</returns>
    public Tensor Run(int group, int[] local, Tensor atoms, Tensor neighbours, Tensor edges, double momentum = StackedConvLayer.DefaultMomentum)
    {
        using var noGrad = no_grad();
        var x = atoms;
        foreach (var layer in layers[group]) x = layer.Forward(local, x, neighbours, edges, momentum);
        return x;
    }

    /// <summary>The frozen layer at <paramref name="depth"/> (0 = first convolution) of extractor <paramref name="extractor"/>.</summary>
    public ConvLayerWeights Layer(int extractor, int depth)
    {
        for (int g = 0; g < groups.Count; g++)
        {
            int p = Array.IndexOf(groups[g].Members, extractor);
            if (p >= 0) return layers[g][depth].Layer(p);
        }
        throw new ArgumentOutOfRangeException(nameof(extractor));
    }

    /// <summary>
    /// Re-estimates every running statistic on <paramref name="rows"/>, as torch.optim.swa_utils.update_bn does: reset,
    /// then one pass in training mode over batches of <paramref name="batchSize"/> rows with momentum 1/b for the b-th
    /// batch, so each statistic ends as the mean over the batches of the batch statistics (momentum=None).
    /// </summary>
    /// <param name="embedded">Per group, embedded atom features of every atom of <paramref name="graphs"/>, [atoms, members, F].</param>
    public void EstimateStatistics(IReadOnlyList<Tensor> embedded, GraphTensorSet graphs, int[] rows, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var statistics = NewDisposeScope();
        foreach (var group in layers)
            foreach (var layer in group) layer.ResetRunningStatistics();
        bool wasTraining = training;
        train(true);
        try
        {
            int batches = 0;
            foreach (var chunk in rows.Chunk(batchSize))
            {
                batches++;
                using var scope = NewDisposeScope();
                using var batch = graphs.Select(chunk);
                var edges = StackedConvLayer.EdgesOf(batch);
                for (int g = 0; g < groups.Count; g++)
                    Run(g, AllPositions(g), embedded[g].index_select(0, batch.AtomIndex), batch.NeighbourIndex, edges, 1.0 / batches);
            }
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>
    /// Eval-mode features entering the first fine-tuned layer, [atoms, members, F] per group, from embedded ones; extractors
    /// outside <paramref name="only"/> stay zero.
    /// </summary>
    public IReadOnlyList<Tensor> Propagate(IReadOnlyList<Tensor> embedded, GraphTensorSet graphs, ISet<int>? only)
    {
        using var scope = NewDisposeScope();
        var result = new List<Tensor>();
        for (int g = 0; g < groups.Count; g++)
        {
            int[] local = only == null ? AllPositions(g) : groups[g].LocalPositions(only.Order());
            var selected = zeros(embedded[g].shape[0], local.Length, embedded[g].shape[2], device: embedded[g].device);
            if (local.Length > 0)
            {
                using var positions = tensor(local.Select(p => (long)p).ToArray(), device: embedded[g].device);
                int group = g;
                Inference.InChunks(this, Enumerable.Range(0, graphs.CrystalCount).ToArray(), Extractor.EvaluationBatchSize, (chunk, _) =>
                {
                    using var batch = graphs.Select(chunk);
                    var x = MixtureNetwork.Gather(embedded[group], batch.AtomIndex, positions);
                    selected.index_copy_(0, batch.AtomIndex, Run(group, local, x, batch.NeighbourIndex, StackedConvLayer.EdgesOf(batch)));
                });
            }
            if (local.Length == groups[g].Members.Length)
            {
                result.Add(selected);
                continue;
            }
            using (selected)
            using (var positions = tensor(local.Select(p => (long)p).ToArray(), device: embedded[g].device))
                result.Add(zeros_like(embedded[g]).index_copy_(1, positions, selected));
        }
        foreach (var features in result) features.MoveToOuterDisposeScope();
        return result;
    }

    int[] AllPositions(int group) => Enumerable.Range(0, groups[group].Members.Length).ToArray();
}
