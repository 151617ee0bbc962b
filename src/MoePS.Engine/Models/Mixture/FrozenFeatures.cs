using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The frozen part of every extractor (embedding and the convolutions before the fine-tuned
/// ones) evaluated once for every atom of a set of crystals and kept on the device, so a
/// training step only runs the fine-tuned layers, pooling, gate and head. With
/// <see cref="FrozenNormalization.Batch"/> only the embedding is cached: the frozen convolutions
/// run in every step (see <see cref="MixtureNetwork"/>).
/// </summary>
internal sealed class FrozenFeatures : IDisposable
{
    bool ownsGraphs;

    FrozenFeatures(IReadOnlyList<Tensor> perGroup, GraphTensorSet graphs, bool ownsGraphs)
    {
        PerGroup = perGroup;
        Graphs = graphs;
        this.ownsGraphs = ownsGraphs;
    }

    /// <summary>Per extractor group, [atoms, members, F]: atom features entering <see cref="MixtureNetwork.Forward"/>.</summary>
    public IReadOnlyList<Tensor> PerGroup { get; }

    /// <summary>Neighbour lists and edge features of the crystals (shared by all extractors).</summary>
    public GraphTensorSet Graphs { get; }

    /// <param name="extractors">The mixture's extractors.</param>
    /// <param name="network">The mixture's network: its groups, fine-tuned depth and frozen normalisation.</param>
    /// <param name="graphs">The crystals.</param>
    /// <param name="ids">Their ids.</param>
    /// <param name="device">Where to compute and keep the features.</param>
    /// <param name="only">Compute only these extractors (others stay zero), e.g. the active ones when predicting.</param>
    /// <param name="adaptation">
    /// With <see cref="FrozenNormalization.Adapt"/>: the rows (indices into <paramref name="graphs"/>) to re-estimate the frozen
    /// BatchNorm statistics on first; null keeps the network's current statistics. Ignored by the other modes.
    /// </param>
    public static FrozenFeatures Compute(IReadOnlyList<Extractor> extractors, MixtureNetwork network,
        IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> ids, ComputeDevice device, ISet<int>? only = null,
        BatchNormAdaptation? adaptation = null)
    {
        var features = Extract(extractors, network, graphs, ids, device, only);
        if (!network.AdaptsFrozenStatistics) return features;
        using (features) return features.Adapted(network, adaptation, only, takeGraphs: true);
    }

    /// <summary>
    /// The features entering the fine-tuned layers of an <see cref="FrozenNormalization.Adapt"/> mixture, from these embedded
    /// ones (<see cref="Extract"/>): its frozen BatchNorm statistics are first re-estimated on <paramref name="adaptation"/>'s
    /// rows (kept when null), then its frozen convolutions run in eval mode. The result shares these features' graphs, and
    /// takes them over when <paramref name="takeGraphs"/> (else this object keeps them).
    /// </summary>
    public FrozenFeatures Adapted(MixtureNetwork network, BatchNormAdaptation? adaptation, ISet<int>? only, bool takeGraphs)
    {
        var frozenConvs = network.FrozenConvolutions
            ?? throw new InvalidOperationException($"A {network.FrozenNormalization} mixture has no frozen convolutions of its own to adapt.");
        if (adaptation != null) frozenConvs.EstimateStatistics(PerGroup, Graphs, adaptation.Rows, adaptation.BatchSize);
        bool take = takeGraphs && ownsGraphs;
        var adapted = new FrozenFeatures(frozenConvs.Propagate(PerGroup, Graphs, only), Graphs, take);
        if (take) ownsGraphs = false;
        return adapted;
    }

    /// <summary>
    /// Each extractor's own network, in eval mode, to the depth <see cref="MixtureNetwork.ExtractorConvs"/>: the features
    /// a Source or Batch mixture caches, the embedding that an Adapt mixture propagates with <see cref="Adapted"/>.
    /// </summary>
    public static FrozenFeatures Extract(IReadOnlyList<Extractor> extractors, MixtureNetwork network,
        IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> ids, ComputeDevice device, ISet<int>? only)
    {
        var groups = network.Groups;
        var sets = new List<(ElementFeatures Table, GraphTensorSet Set)>();
        GraphTensorSet SetFor(Extractor e)
        {
            foreach (var (table, set) in sets)
                if (ReferenceEquals(table, e.Elements) || table.SameAs(e.Elements)) return set;
            var created = e.GraphTensors(graphs, ids, device);
            sets.Add((e.Elements, created));
            return created;
        }

        var perGroup = new List<Tensor>();
        try
        {
            foreach (var g in groups)
            {
                int frozenConvs = network.ExtractorConvs(g);
                // Written member by member into zeros (what a stack of the members' features, zeros for those left out,
                // would hold), so that no more than one member's features are held beside the result.
                var features = zeros(SetFor(extractors[g.Members[0]]).AtomCount, g.Members.Length, g.Architecture.AtomFeatureLength,
                    device: device.ToTorch());
                perGroup.Add(features);
                for (int p = 0; p < g.Members.Length; p++)
                {
                    int index = g.Members[p];
                    if (only != null && !only.Contains(index)) continue;
                    using var member = AtomFeatures(extractors[index], SetFor(extractors[index]), frozenConvs, device);
                    using var slot = features.select(1, p);
                    slot.copy_(member);
                }
            }
        }
        catch
        {
            foreach (var t in perGroup) t.Dispose();
            foreach (var (_, set) in sets) set.Dispose();
            throw;
        }
        foreach (var (_, set) in sets.Skip(1)) set.Dispose();
        return new FrozenFeatures(perGroup, sets[0].Set, ownsGraphs: true);
    }

    static Tensor AtomFeatures(Extractor extractor, GraphTensorSet set, int convCount, ComputeDevice device)
    {
        extractor.MoveTo(device);
        var model = extractor.Model;
        var chunks = new List<Tensor>();
        try
        {
            Inference.InChunks(model, Enumerable.Range(0, set.CrystalCount).ToArray(), Extractor.EvaluationBatchSize, (rows, _) =>
            {
                using var batch = set.Select(rows);
                chunks.Add(model.AtomFeatures(batch, convCount).MoveToOuterDisposeScope());
            });
            return cat(chunks.ToArray(), 0);
        }
        finally
        {
            foreach (var c in chunks) c.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var t in PerGroup) t.Dispose();
        if (ownsGraphs) Graphs.Dispose();
    }
}
