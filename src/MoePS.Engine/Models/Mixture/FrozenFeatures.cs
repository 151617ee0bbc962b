using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The frozen part of every expert evaluated once for a set of crystals and kept on the device, so a training step only
/// runs the fine-tuned layers, adapters, pooling, gate and head. For the CGCNN extractors that is the embedding and the
/// convolutions before the fine-tuned ones, for every atom (with <see cref="FrozenNormalization.Batch"/> only the
/// embedding: the frozen convolutions run in every step, see <see cref="MixtureNetwork"/>); for another expert, its
/// crystal feature, or, for an expert whose last block the mixture fine-tunes, what that block reads
/// (<see cref="TunableBlockInputs"/>).
/// </summary>
internal sealed class FrozenFeatures : IDisposable
{
    bool ownsShared;

    FrozenFeatures(IReadOnlyList<Tensor> perGroup, GraphTensorSet? graphs, IReadOnlyList<FrozenExpertInputs> perFrozenExpert,
        int crystalCount, Device device, bool ownsShared)
    {
        PerGroup = perGroup;
        Graphs = graphs;
        PerFrozenExpert = perFrozenExpert;
        CrystalCount = crystalCount;
        Device = device;
        this.ownsShared = ownsShared;
    }

    /// <summary>Per extractor group, [atoms, members, F]: atom features entering <see cref="MixtureNetwork.Forward"/>.</summary>
    public IReadOnlyList<Tensor> PerGroup { get; }

    /// <summary>Neighbour lists and edge features of the crystals (shared by all extractors); null when the mixture has no CGCNN extractor.</summary>
    public GraphTensorSet? Graphs { get; }

    /// <summary>
    /// Per expert that is not a CGCNN extractor (<see cref="MixtureNetwork.FrozenExperts"/> order): its crystal features, or
    /// the inputs of its fine-tuned last block (<see cref="MixtureNetwork.FineTunesBlock"/>).
    /// </summary>
    public IReadOnlyList<FrozenExpertInputs> PerFrozenExpert { get; }

    public int CrystalCount { get; }

    public Device Device { get; }

    /// <summary>The crystals at <paramref name="rows"/>, ready for a forward pass.</summary>
    public MixtureBatch Select(int[] rows) => new(Graphs?.Select(rows), rows, Device);

    /// <param name="experts">The mixture's experts.</param>
    /// <param name="network">The mixture's network: its groups, frozen experts, fine-tuned depth and frozen normalisation.</param>
    /// <param name="crystals">The crystals.</param>
    /// <param name="device">Where to compute and keep the features.</param>
    /// <param name="only">Compute only these experts (others stay zero), e.g. the active ones when predicting.</param>
    /// <param name="adaptation">
    /// With <see cref="FrozenNormalization.Adapt"/>: the rows (indices into <paramref name="crystals"/>) to re-estimate the frozen
    /// BatchNorm statistics on first; null keeps the network's current statistics. Ignored by the other modes.
    /// </param>
    public static FrozenFeatures Compute(IReadOnlyList<IExpert> experts, MixtureNetwork network, CrystalInputs crystals,
        ComputeDevice device, ISet<int>? only = null, BatchNormAdaptation? adaptation = null)
    {
        var features = Extract(experts, network, crystals, device, only);
        if (!network.AdaptsFrozenStatistics) return features;
        using (features) return features.Adapted(network, adaptation, only, takeShared: true);
    }

    /// <summary>
    /// The features entering the fine-tuned layers of an <see cref="FrozenNormalization.Adapt"/> mixture, from these embedded
    /// ones (<see cref="Extract"/>): its frozen BatchNorm statistics are first re-estimated on <paramref name="adaptation"/>'s
    /// rows (kept when null), then its frozen convolutions run in eval mode. The result shares these features' graphs and
    /// frozen experts' features, and takes them over when <paramref name="takeShared"/> (else this object keeps them).
    /// </summary>
    public FrozenFeatures Adapted(MixtureNetwork network, BatchNormAdaptation? adaptation, ISet<int>? only, bool takeShared)
    {
        var frozenConvs = network.FrozenConvolutions
            ?? throw new InvalidOperationException($"A {network.FrozenNormalization} mixture has no frozen convolutions of its own to adapt.");
        if (adaptation != null) frozenConvs.EstimateStatistics(PerGroup, Graphs!, adaptation.Rows, adaptation.BatchSize);
        bool take = takeShared && ownsShared;
        var adapted = new FrozenFeatures(frozenConvs.Propagate(PerGroup, Graphs!, only), Graphs, PerFrozenExpert, CrystalCount, Device, take);
        if (take) ownsShared = false;
        return adapted;
    }

    /// <summary>
    /// Each extractor's own network, in eval mode, to the depth <see cref="MixtureNetwork.ExtractorConvs"/> (the features a
    /// Source or Batch mixture caches, the embedding that an Adapt mixture propagates with <see cref="Adapted"/>), and each
    /// frozen expert's crystal features.
    /// </summary>
    public static FrozenFeatures Extract(IReadOnlyList<IExpert> experts, MixtureNetwork network, CrystalInputs crystals,
        ComputeDevice device, ISet<int>? only)
    {
        var sets = new List<(ElementFeatures Table, GraphTensorSet Set)>();
        GraphTensorSet SetFor(Extractor e)
        {
            foreach (var (table, set) in sets)
                if (ReferenceEquals(table, e.Elements) || table.SameAs(e.Elements)) return set;
            var created = e.GraphTensors(crystals.Graphs(e.GraphSettings), crystals.Ids, device);
            sets.Add((e.Elements, created));
            return created;
        }

        var perGroup = new List<Tensor>();
        var perFrozenExpert = new List<FrozenExpertInputs>();
        try
        {
            foreach (var g in network.Groups)
            {
                int frozenConvs = network.ExtractorConvs(g);
                // Written member by member into zeros (what a stack of the members' features, zeros for those left out,
                // would hold), so that no more than one member's features are held beside the result.
                var features = zeros(SetFor(g.Extractors[0]).AtomCount, g.Members.Length, g.Architecture.AtomFeatureLength,
                    device: device.ToTorch());
                perGroup.Add(features);
                for (int p = 0; p < g.Members.Length; p++)
                {
                    if (only != null && !only.Contains(g.Members[p])) continue;
                    using var member = AtomFeatures(g.Extractors[p], SetFor(g.Extractors[p]), frozenConvs, device);
                    using var slot = features.select(1, p);
                    slot.copy_(member);
                }
            }
            for (int slot = 0; slot < network.FrozenExperts.Count; slot++)
            {
                int index = network.FrozenExperts[slot];
                var expert = experts[index];
                bool wanted = only == null || only.Contains(index);
                perFrozenExpert.Add(network.FineTunesBlock(slot)
                    ? new FrozenExpertInputs(null, wanted ? ((ITunableExpert)expert).BlockInputs(crystals.Crystals, device) : null)
                    : new FrozenExpertInputs(wanted
                        ? tensor(expert.Features(crystals, device).SelectMany(f => f).ToArray(), crystals.Count, expert.FeatureLength, device: device.ToTorch())
                        : zeros(crystals.Count, expert.FeatureLength, device: device.ToTorch()), null));
            }
        }
        catch
        {
            foreach (var t in perGroup) t.Dispose();
            foreach (var inputs in perFrozenExpert) inputs.Dispose();
            foreach (var (_, set) in sets) set.Dispose();
            throw;
        }
        foreach (var (_, set) in sets.Skip(1)) set.Dispose();
        return new FrozenFeatures(perGroup, sets.Count > 0 ? sets[0].Set : null, perFrozenExpert, crystals.Count, device.ToTorch(),
            ownsShared: true);
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
        if (!ownsShared) return;
        Graphs?.Dispose();
        foreach (var inputs in PerFrozenExpert) inputs.Dispose();
    }
}
