using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The learnable part of a mixture: each CGCNN extractor's fine-tuned last convolution layer(s) (stacked per architecture
/// group), each other expert's adapter (<see cref="FrozenExpertAdapter"/>) and, with <see cref="TensorNetLastBlock.FineTuned"/>,
/// the fine-tuned last block of each expert that has one (<see cref="ITunableExpert"/>: TensorNet), the top-k gate and
/// the head(s). The frozen part of the experts enters as cached features (<see cref="FrozenFeatures"/>): CGCNN atom
/// features after the frozen convolutions with <see cref="FrozenNormalization.Source"/> and
/// <see cref="FrozenNormalization.Adapt"/>, after the embedding with <see cref="FrozenNormalization.Batch"/>, whose frozen
/// convolutions run here every step; another expert's crystal features, or the inputs of its fine-tuned block. Adapt and
/// Batch keep the frozen convolutions with their own BatchNorm statistics in here, so that copies, checkpoints and saved
/// files carry them.
/// </summary>
internal sealed class MixtureNetwork : nn.Module
{
    readonly IReadOnlyList<ExtractorGroup> groups;
    readonly int[] frozenExperts;
    // The submodules in the order of their parameters (RegisterComponents takes the fields in declaration order); a mixture
    // of CGCNN extractors alone has no adapters, so its parameters and saved tensors are what they were before adapters.
    readonly FrozenConvolutions? frozen;
    readonly ModuleList<ModuleList<StackedConvLayer>> convs = new();
    readonly TopKGate gate;
    readonly ModuleList<MlpHead> heads = new();
    readonly ModuleList<FrozenExpertAdapter> adapters = new();
    readonly ModuleList<TunableBlock> tails = new();
    /// <summary>Per frozen-expert slot, its position in <see cref="tails"/>, or −1 when its last block stays frozen.</summary>
    readonly int[] tailOfSlot;
    readonly int[] featureLengths;
    readonly Aggregation aggregation;
    readonly bool runsFrozenConvolutions;

    public MixtureNetwork(IReadOnlyList<IExpert> experts, MixtureOptions options, int topK) : base(nameof(MixtureNetwork))
    {
        groups = ExtractorGroup.Partition(experts);
        frozenExperts = Enumerable.Range(0, experts.Count).Where(i => experts[i] is not Extractor).ToArray();
        aggregation = options.Aggregation;
        // The width the mixture combines: its CGCNN extractors' (the paper's 64), or its first expert's without any.
        int width = groups.Count > 0 ? groups[0].Extractors[0].FeatureLength : experts[0].FeatureLength;
        featureLengths = experts.Select(e => e is Extractor ? e.FeatureLength : width).ToArray();
        FineTuneLayers = options.FineTuneLayers;
        FrozenNormalization = options.FrozenNormalization;
        foreach (var g in groups)
        {
            int convCount = g.Architecture.ConvCount;
            var layers = new ModuleList<StackedConvLayer>();
            for (int depth = convCount - options.FineTuneLayers; depth < convCount; depth++)
                layers.Add(new StackedConvLayer(g.Extractors.Select(e => ConvLayerWeights.Of(e.Model.Conv(depth))).ToArray()));
            convs.Add(layers);
        }
        // The one place the mode is branched on: whether the mixture keeps frozen convolutions of its own (Adapt, Batch),
        // whether they re-estimate their statistics once (Adapt) or run in every step (Batch). Frozen experts have none.
        if (FrozenNormalization != FrozenNormalization.Source && groups.Count > 0)
            frozen = new FrozenConvolutions(groups, options.FineTuneLayers);
        AdaptsFrozenStatistics = frozen != null && FrozenNormalization == FrozenNormalization.Adapt;
        runsFrozenConvolutions = frozen != null && FrozenNormalization == FrozenNormalization.Batch;
        gate = new TopKGate(experts.Count, topK);
        if (aggregation.IsEnsemble())
            foreach (int f in featureLengths) heads.Add(new MlpHead(f, options.HeadLayers, options.HiddenSize));
        else
            heads.Add(new MlpHead(aggregation.IsConcatenation() ? featureLengths.Sum() : featureLengths[0], options.HeadLayers, options.HiddenSize));
        foreach (int i in frozenExperts) adapters.Add(new FrozenExpertAdapter(experts[i].FeatureLength, width));
        tailOfSlot = frozenExperts.Select(i =>
        {
            if (options.TensorNetLastBlock != TensorNetLastBlock.FineTuned || experts[i] is not ITunableExpert tunable) return -1;
            tails.Add(tunable.NewBlock());
            return tails.Count - 1;
        }).ToArray();
        RegisterComponents();
    }

    public int FineTuneLayers { get; }
    public FrozenNormalization FrozenNormalization { get; }

    /// <summary>
    /// Whether the frozen features are its own frozen convolutions' output after their statistics are re-estimated on the
    /// training rows (<see cref="FrozenFeatures.Adapted"/>), rather than what the extractors compute.
    /// </summary>
    public bool AdaptsFrozenStatistics { get; }
    public TopKGate Gate => gate;
    public IReadOnlyList<ExtractorGroup> Groups => groups;

    /// <summary>
    /// Indices of the experts that are not CGCNN extractors, ascending; each has an adapter, and enters frozen unless
    /// <see cref="FineTunesBlock"/>.
    /// </summary>
    public IReadOnlyList<int> FrozenExperts => frozenExperts;

    /// <summary>Whether the expert at <paramref name="slot"/> of <see cref="FrozenExperts"/> has a fine-tuned last block.</summary>
    public bool FineTunesBlock(int slot) => tailOfSlot[slot] >= 0;

    /// <summary>The position of expert <paramref name="expert"/> among <see cref="FrozenExperts"/>, or −1 for a CGCNN extractor.</summary>
    public int FrozenExpertSlot(int expert) => Array.IndexOf(frozenExperts, expert);

    /// <summary>The frozen convolutions with the mixture's own statistics (Adapt and Batch), or null (Source).</summary>
    public FrozenConvolutions? FrozenConvolutions => frozen;

    /// <summary>
    /// How many convolutions of its own network an extractor runs to give the frozen features: all frozen ones with
    /// Source; none (only the embedding) when the mixture has its own frozen convolutions.
    /// </summary>
    public int ExtractorConvs(ExtractorGroup group) => frozen == null ? group.Architecture.ConvCount - FineTuneLayers : 0;

    /// <summary>The fine-tuned layer at <paramref name="depth"/> (0 = first fine-tuned) of extractor <paramref name="extractor"/>.</summary>
    public ConvLayerWeights FineTunedLayer(int extractor, int depth)
    {
        for (int g = 0; g < groups.Count; g++)
        {
            int p = Array.IndexOf(groups[g].Members, extractor);
            if (p >= 0) return convs[g][depth].Layer(p);
        }
        throw new ArgumentOutOfRangeException(nameof(extractor));
    }

    /// <summary>How many forward passes have run each extractor's fine-tuned layers, by extractor index (every layer counts).</summary>
    internal int[] FineTunedPasses()
    {
        var passes = new int[featureLengths.Length];
        for (int g = 0; g < groups.Count; g++)
            foreach (var layer in convs[g])
                for (int p = 0; p < groups[g].Members.Length; p++) passes[groups[g].Members[p]] += layer.Passes[p];
        return passes;
    }

    /// <summary>
    /// Fresh random weights for the head(s), then the frozen experts' adapters, drawn from a generator of their own seeded
    /// with <paramref name="seed"/>: torch's global generator is shared with every other thread (another training, a network
    /// being built), whose draws would interleave with these.
    /// </summary>
    public void ResetHeads(int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var head in heads) head.ResetParameters(generator);
        foreach (var adapter in adapters) adapter.ResetParameters(generator);
    }

    /// <summary>The parameters of the fine-tuned layers: CGCNN convolutions and TensorNet blocks.</summary>
    public IReadOnlyList<Parameter> FineTunedParameters() => convs.parameters().Concat(tails.parameters()).ToList();

    /// <summary>Gate θ, head and adapter parameters.</summary>
    public IReadOnlyList<Parameter> GateAndHeadParameters() => gate.parameters().Concat(heads.parameters()).Concat(adapters.parameters()).ToList();

    /// <summary>
    /// Normalised predictions [crystals] of a batch.
    /// </summary>
    /// <param name="frozen">The cached frozen features of the data (see <see cref="FrozenFeatures"/>).</param>
    /// <param name="batch">The crystals.</param>
    /// <param name="active">The active experts (from the gate), ascending.</param>
    public Tensor Forward(FrozenFeatures frozen, MixtureBatch batch, int[] active)
    {
        var features = ExtractorFeatures(frozen, batch, active);
        return Combine(features, ExtractorWeights(active), active, batch.CrystalCount);
    }

    /// <summary>
    /// The weight of each extractor, [m]: the gate scores G(θ, k) for a given active set, or the raw scales θ of
    /// <see cref="Aggregation.PaperConcat"/>. Differentiable in θ.
    /// </summary>
    public Tensor ExtractorWeights(int[] active) => aggregation == Aggregation.PaperConcat ? gate.Theta.alias() : gate.Scores(active);

    /// <summary>E_i(x) for each active expert i, [crystals, F_i], keyed by expert index: fine-tuned, or through its adapter.</summary>
    public Dictionary<int, Tensor> ExtractorFeatures(FrozenFeatures frozenFeatures, MixtureBatch mixtureBatch, int[] active)
    {
        var result = new Dictionary<int, Tensor>();
        for (int a = 0; a < frozenExperts.Length; a++)
            if (Array.BinarySearch(active, frozenExperts[a]) >= 0)
                result[frozenExperts[a]] = adapters[a].forward(AdapterInput(frozenFeatures, mixtureBatch, a));
        if (groups.Count == 0) return result;
        var frozenAtoms = frozenFeatures.PerGroup;
        var batch = mixtureBatch.Graphs!;
        long n = batch.AtomIndex.shape[0];
        var edges = StackedConvLayer.EdgesOf(batch);
        for (int g = 0; g < groups.Count; g++)
        {
            int[] local = groups[g].LocalPositions(active);
            if (local.Length == 0) continue;
            var selected = tensor(local.Select(p => (long)p).ToArray(), device: frozenAtoms[g].device);
            var x = Gather(frozenAtoms[g], batch.AtomIndex, selected);                                  // [n, k, F]
            if (runsFrozenConvolutions) x = frozen!.Run(g, local, x, batch.NeighbourIndex, edges);
            foreach (var layer in convs[g]) x = layer.Forward(local, x, batch.NeighbourIndex, edges);
            long k = local.Length, f = x.shape[2];
            var pooled = Cgcnn.FeatureFromAtoms(x.reshape(n, k * f), batch).view(batch.CrystalCount, k, f);
            for (int j = 0; j < local.Length; j++)
                result[groups[g].Members[local[j]]] = pooled.select(1, j);
        }
        return result;
    }

    /// <summary>
    /// What the adapter of the expert at <paramref name="slot"/> of <see cref="FrozenExperts"/> takes, [crystals, F]: its
    /// cached crystal features, or its fine-tuned last block's.
    /// </summary>
    public Tensor AdapterInput(FrozenFeatures frozenFeatures, MixtureBatch batch, int slot)
    {
        int tail = tailOfSlot[slot];
        var (features, blockInputs) = frozenFeatures.PerFrozenExpert[slot];
        if (tail < 0) return features!.index_select(0, batch.Rows);
        var inputs = blockInputs ?? throw new InvalidOperationException(
            $"The inputs of expert {frozenExperts[slot]}'s fine-tuned block were not computed (it was left out of the features).");
        return tails[tail].Features(inputs, batch.RowIndices);
    }

    /// <summary>
    /// Rows <paramref name="atoms"/> and members <paramref name="members"/> of frozen features [all atoms, members, F], in
    /// whichever order copies less: atoms first for a training batch, members first when the batch is most of the atoms
    /// and few members are active (predicting one large crystal). Either way the same values.
    /// </summary>
    internal static Tensor Gather(Tensor frozen, Tensor atoms, Tensor members)
    {
        long all = frozen.shape[0], memberCount = frozen.shape[1], n = atoms.shape[0], k = members.shape[0];
        return n * memberCount <= all * k
            ? frozen.index_select(0, atoms).index_select(1, members)
            : frozen.index_select(1, members).index_select(0, atoms);
    }

    Tensor Combine(Dictionary<int, Tensor> features, Tensor weights, int[] active, int crystals)
    {
        switch (aggregation)
        {
            case Aggregation.Add:
            {
                Tensor? f = null;
                foreach (int i in active)
                {
                    var term = features[i] * weights[i];
                    f = f is null ? term : f.add(term, HeldScalars.One);
                }
                return heads[0].forward(f!);
            }
            case Aggregation.Concat or Aggregation.PaperConcat:
            {
                var device = weights.device;
                var blocks = Enumerable.Range(0, featureLengths.Length).Select(i =>
                    features.TryGetValue(i, out var e) ? e * weights[i] : zeros(crystals, featureLengths[i], device: device)).ToArray();
                return heads[0].forward(cat(blocks, 1));
            }
            default:
            {
                Tensor? y = null;
                foreach (int i in active)
                {
                    var term = heads[i].forward(features[i]) * weights[i];
                    y = y is null ? term : y.add(term, HeldScalars.One);
                }
                return y!;
            }
        }
    }
}
