using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// A pre-trained MatGL TensorNet potential (model.json + state.pt) in float32 or float64: total energies as MatGL's
/// Potential gives them, and the crystal feature a mixture uses — the mean over atoms of node_feat, nothing after it.
/// </summary>
public sealed class TensorNetPotential : IDisposable
{
    /// <summary>The folder of the MatPES-PBE TensorNet potential under a data folder.</summary>
    public static readonly string RelativePath = Path.Combine("experts", "tensornet_matpes_pbe");
    public const string ModelFile = "model.json";
    public const string StateFile = "state.pt";

    /// <summary>Pairs per batch when featurising many crystals: bounds the [pairs, units, 3, 3] tensors of a batch.</summary>
    public const int DefaultPairBudget = 16384;

    readonly Dictionary<string, long> typeOfSymbol;
    readonly Tensor elementOffsets;

    TensorNetPotential(TensorNetModel model, TensorNetWeights weights, ScalarType dtype)
    {
        Model = model;
        Weights = weights;
        DType = dtype;
        typeOfSymbol = model.Architecture.ElementTypes.Select((s, i) => (s, (long)i)).ToDictionary(p => p.s, p => p.Item2);
        elementOffsets = tensor(weights.ElementOffsets.ToArray(), dtype: dtype);
    }

    public TensorNetModel Model { get; }
    public TensorNetWeights Weights { get; }
    public ScalarType DType { get; }
    public TensorNetArchitecture Architecture => Model.Architecture;
    /// <summary>Width of the crystal feature (units, 128 for the MatPES potential).</summary>
    public int FeatureLength => Architecture.Units;

    /// <summary>Loads model.json and state.pt from <paramref name="folder"/>, in <paramref name="dtype"/> (float32 or float64), eval mode.</summary>
    public static TensorNetPotential Load(string folder, ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentOutOfRangeException(nameof(dtype), $"TensorNet runs in float32 or float64, not {dtype}.");
        Runtime.TorchRuntime.EnsureLoaded();
        var architecture = TensorNetArchitecture.Read(Path.Combine(folder, ModelFile));
        var model = new TensorNetModel(architecture);
        try
        {
            var weights = TensorNetWeights.Load(model, Path.Combine(folder, StateFile));
            model.to(dtype);
            model.eval();
            return new TensorNetPotential(model, weights, dtype);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Every directed pair within the cutoff, as the potential's graph has them.</summary>
    public NeighbourPairs PairsOf(Crystal crystal) => CellListNeighbourSearch.PairsWithin(crystal, Architecture.Cutoff);

    /// <summary>The crystals with their pairs as one batch in this potential's dtype.</summary>
    public TensorNetBatch Batch(IReadOnlyList<Crystal> crystals) =>
        TensorNetBatch.Build(crystals.Select(c => (c, PairsOf(c))).ToList(), TypeOf, DType);

    /// <summary>Total energy of each crystal of the batch (eV): std·Σ atomic outputs + mean + Σ element offsets.</summary>
    public double[] Energies(TensorNetBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var atomic = Model.AtomicEnergies(Model.NodeFeatures(batch));
        var offsets = elementOffsets.index_select(0, batch.Types);
        var energies = new double[batch.CrystalCount];
        using Scalar std = Weights.DataStd.ToScalar(), mean = Weights.DataMean.ToScalar();
        long first = 0;
        for (int c = 0; c < batch.CrystalCount; c++)
        {
            int n = batch.AtomCounts[c];
            // As MatGL's Potential on one graph: std·sum + mean in the dtype, then the summed offsets added.
            var energy = atomic.narrow(0, first, n).sum(new long[] { 0 }).mul(std).add(mean, HeldScalars.One)
                .add(offsets.narrow(0, first, n).sum(new long[] { 0 }), HeldScalars.One);
            energies[c] = energy.to(float64).item<double>();
            first += n;
        }
        return energies;
    }

    /// <summary>
    /// Mean of node_feat over each crystal's atoms, [crystals, units], from per-atom node_feat of crystals whose atoms
    /// come one crystal after another, <paramref name="atomCounts"/> of each.
    /// </summary>
    public static Tensor MeanOverCrystals(Tensor nodeFeatures, IReadOnlyList<int> atomCounts)
    {
        using var scope = NewDisposeScope();
        long first = 0;
        var means = new Tensor[atomCounts.Count];
        for (int c = 0; c < atomCounts.Count; c++)
        {
            means[c] = nodeFeatures.narrow(0, first, atomCounts[c]).mean(new long[] { 0 });
            first += atomCounts[c];
        }
        return stack(means).MoveToOuterDisposeScope();
    }

    /// <summary>The crystal features of a batch, [crystals, units].</summary>
    public Tensor CrystalFeatures(TensorNetBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return MeanOverCrystals(Model.NodeFeatures(batch), batch.AtomCounts).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The crystal features of many crystals, [crystals, units] in this potential's dtype, in their order: batches of
    /// consecutive crystals with at most <paramref name="pairBudget"/> pairs (a larger crystal is a batch of its own).
    /// </summary>
    public Tensor CrystalFeatures(IReadOnlyList<Crystal> crystals, int pairBudget = DefaultPairBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairBudget, 1);
        var parts = new List<Tensor>();
        try
        {
            var pending = new List<(Crystal, NeighbourPairs)>();
            long pairs = 0;
            foreach (var crystal in crystals)
            {
                var neighbours = PairsOf(crystal);
                if (pending.Count > 0 && pairs + neighbours.Count > pairBudget)
                {
                    parts.Add(FeaturesOf(pending));
                    pending.Clear();
                    pairs = 0;
                }
                pending.Add((crystal, neighbours));
                pairs += neighbours.Count;
            }
            if (pending.Count > 0) parts.Add(FeaturesOf(pending));
            return parts.Count == 0 ? zeros(0, FeatureLength, DType) : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <summary>
    /// The crystal feature of each crystal computed alone (a batch of one), float32, in order: on up to
    /// <paramref name="workers"/> threads side by side, each with one torch thread, so a crystal's feature is the same
    /// bits whatever else is computed and however many threads there are (<see cref="OneTorchThreadWorkers"/>).
    /// </summary>
    public float[][] FeaturesEachAlone(IReadOnlyList<Crystal> crystals, int workers) =>
        OneTorchThreadWorkers.Map(crystals, workers, crystal =>
        {
            using var scope = NewDisposeScope();
            return CrystalFeatures(new[] { crystal }).to(ScalarType.Float32).contiguous().data<float>().ToArray();
        });

    Tensor FeaturesOf(IReadOnlyList<(Crystal, NeighbourPairs)> crystals)
    {
        using var batch = TensorNetBatch.Build(crystals, TypeOf, DType);
        return CrystalFeatures(batch);
    }

    /// <summary>Throws, naming the crystal and the element, when the potential has no type for one of its elements.</summary>
    public void CheckSupports(Crystal crystal)
    {
        foreach (var site in crystal.Sites) TypeOf(crystal, site.Element);
    }

    long TypeOf(Crystal crystal, Element element) =>
        typeOfSymbol.TryGetValue(element.Symbol, out long type) ? type
            : throw new UnsupportedElementException(crystal.Id, element.Number, element.Symbol,
                $"the TensorNet potential knows {typeOfSymbol.Count} elements: {string.Join(" ", Architecture.ElementTypes)}");

    public void Dispose()
    {
        elementOffsets.Dispose();
        Model.Dispose();
    }
}
