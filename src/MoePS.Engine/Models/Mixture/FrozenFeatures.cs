using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The frozen part of every extractor (embedding and the convolutions before the fine-tuned
/// ones) evaluated once for every atom of a set of crystals and kept on the device, so a
/// training step only runs the fine-tuned layers, pooling, gate and head.
/// </summary>
internal sealed class FrozenFeatures : IDisposable
{
    FrozenFeatures(IReadOnlyList<Tensor> perGroup, GraphTensorSet graphs)
    {
        PerGroup = perGroup;
        Graphs = graphs;
    }

    /// <summary>Per extractor group, [atoms, members, F]: atom features entering the first fine-tuned layer.</summary>
    public IReadOnlyList<Tensor> PerGroup { get; }

    /// <summary>Neighbour lists and edge features of the crystals (shared by all extractors).</summary>
    public GraphTensorSet Graphs { get; }

    /// <param name="only">Compute only these extractors (others stay zero), e.g. the active ones when predicting.</param>
    public static FrozenFeatures Compute(IReadOnlyList<Extractor> extractors, IReadOnlyList<ExtractorGroup> groups, int fineTuneLayers,
        IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> ids, ComputeDevice device, ISet<int>? only = null)
    {
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
                int frozenConvs = g.Architecture.ConvCount - fineTuneLayers;
                var slices = new Tensor[g.Members.Length];
                for (int p = 0; p < g.Members.Length; p++)
                {
                    int index = g.Members[p];
                    var set = SetFor(extractors[index]);
                    slices[p] = only == null || only.Contains(index)
                        ? AtomFeatures(extractors[index], set, frozenConvs, device)
                        : zeros(set.AtomCount, g.Architecture.AtomFeatureLength, device: device.ToTorch());
                }
                perGroup.Add(stack(slices, 1));
                foreach (var s in slices) s.Dispose();
            }
        }
        catch
        {
            foreach (var t in perGroup) t.Dispose();
            foreach (var (_, set) in sets) set.Dispose();
            throw;
        }
        foreach (var (_, set) in sets.Skip(1)) set.Dispose();
        return new FrozenFeatures(perGroup, sets[0].Set);
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
        Graphs.Dispose();
    }
}
