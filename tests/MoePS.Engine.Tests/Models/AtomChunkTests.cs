using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Mixture;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models;

/// <summary>
/// Eval-mode convolutions over ranges of atoms (<see cref="AtomChunks"/>), which bound the memory of predicting one
/// large crystal, give bit for bit what the whole batch gives: predictions and features of an extractor, and a
/// mixture's predictions in each frozen-normalisation mode, on real crystals and rock-salt supercells with displaced
/// atoms, the bound set so small that most batches are split (down to one atom per range).
/// </summary>
public class AtomChunkTests : IClassFixture<MixtureFixture>
{
    readonly MixtureFixture f;

    public AtomChunkTests(MixtureFixture fixture) => f = fixture;

    [Fact]
    public void RangesCoverTheAtomsInOrderWithinTheBound()
    {
        using (var limit = AtomChunks.Limit(1000))
        {
            Assert.Null(AtomChunks.Split(10, 100));
            Assert.Equal(new (long, long)[] { (0, 8), (8, 8), (16, 7) }, AtomChunks.Split(23, 100));
            Assert.Equal(Enumerable.Range(0, 5).Select(i => ((long)i, 1L)), AtomChunks.Split(5, 4000)!);
            Assert.Equal(2, limit.Splits);
            using (AtomChunks.Limit(long.MaxValue)) Assert.Null(AtomChunks.Split(1L << 40, 1000));
            Assert.Equal(1000, AtomChunks.EdgeFloats);
        }
        Assert.Equal(AtomChunks.DefaultEdgeFloats, AtomChunks.EdgeFloats);
    }

    [Fact]
    public void OnlyEvaluationWithoutGradientsIsSplit()
    {
        using var extractor = f.Extractors[0].Clone(); // a training-mode pass moves its BatchNorm statistics
        var model = extractor.Model;
        var crystals = new[] { RockSalt(2, seed: 1) };
        using var set = extractor.GraphTensors(GraphBatchBuilder.BuildAll(crystals, GraphSettings.Default), new[] { "rock salt" }, f.Cpu);
        using var batch = set.All();
        using var limit = AtomChunks.Limit(10 * 12 * 2 * model.Architecture.AtomFeatureLength);
        using var scope = NewDisposeScope();
        model.train();
        model.forward(batch);
        model.eval();
        model.forward(batch);
        Assert.Equal(0, limit.Splits);
        using (no_grad()) model.forward(batch);
        Assert.Equal(model.ConvCount, limit.Splits);
    }

    [Fact]
    public void ConsecutiveRowsAreViewsWithTheSameValuesAsACopiedBatch()
    {
        var (graphs, ids) = Crystals();
        using var set = f.Extractors[0].GraphTensors(graphs, ids, f.Cpu);
        using var views = set.Select(new[] { 3, 4, 5 });
        using var copies = set.Select(new[] { 3, 4, 5, 3 }); // not consecutive: gathered and renumbered as before
        long n = views.AtomIndex.shape[0];
        Assert.Equal(3, views.CrystalCount);
        foreach (var (view, copy) in new[] { (views.AtomFeatures, copies.AtomFeatures), (views.EdgeFeatures, copies.EdgeFeatures),
            (views.NeighbourIndex, copies.NeighbourIndex), (views.AtomIndex, copies.AtomIndex), (views.CrystalOfAtom, copies.CrystalOfAtom) })
            Assert.True(Same(view, copy.narrow(0, 0, n)));
        Assert.True(Same(views.AtomCounts, copies.AtomCounts.narrow(0, 0, 3)));
        // The features are the set's own storage, not a copy.
        Assert.Equal(set.EdgeFeatures.storage<float>().data_ptr(), views.EdgeFeatures.storage<float>().data_ptr());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(150)]
    public void AnExtractorsPredictionsAndFeaturesDoNotDependOnTheAtomRanges(int atomsPerRange)
    {
        var extractor = f.Extractors[1];
        var (graphs, ids) = Crystals();
        using var set = extractor.GraphTensors(graphs, ids, f.Cpu);
        ExtractorOutput whole, split;
        using (AtomChunks.Limit(long.MaxValue)) whole = extractor.Evaluate(set, f.Cpu);
        using (var limit = AtomChunks.Limit(atomsPerRange * 12L * 2 * extractor.FeatureLength))
        {
            split = extractor.Evaluate(set, f.Cpu);
            Assert.True(limit.Splits > 0);
        }
        Assert.Equal(whole.Raw, split.Raw);
        for (int i = 0; i < ids.Count; i++) Assert.Equal(whole.Features[i], split.Features[i]);
    }

    [Theory]
    [InlineData(FrozenNormalization.Source, 1)]
    [InlineData(FrozenNormalization.Source, 37)]
    [InlineData(FrozenNormalization.Adapt, 37)]
    [InlineData(FrozenNormalization.Batch, 37)]
    public void AMixturesPredictionsDoNotDependOnTheAtomRanges(FrozenNormalization mode, int atomsPerRange)
    {
        using var model = new MixtureModel(f.Extractors.Take(3).ToArray(), new MixtureOptions { TopK = 2, FrozenNormalization = mode });
        var crystals = new CrystalInputs(TaskAndSupercells());
        double[] whole, split;
        using (AtomChunks.Limit(long.MaxValue)) whole = model.Predict(crystals, f.Cpu);
        using (var limit = AtomChunks.Limit(atomsPerRange * 12L * 2 * 2 * 64))
        {
            split = model.Predict(crystals, f.Cpu);
            Assert.True(limit.Splits > 0);
        }
        Assert.Equal(whole, split);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The graphs of <see cref="TaskAndSupercells"/>.</summary>
    (IReadOnlyList<CrystalGraph> Graphs, IReadOnlyList<string> Ids) Crystals()
    {
        var crystals = TaskAndSupercells();
        return (GraphBatchBuilder.BuildAll(crystals, GraphSettings.Default), crystals.Select(c => c.Id).ToList());
    }

    /// <summary>40 crystals of the task, then rock-salt supercells of 2³ and 3³ conventional cells (64 and 216 atoms).</summary>
    List<Crystal> TaskAndSupercells() => f.Crystals.Take(40).Append(RockSalt(2, seed: 2)).Append(RockSalt(3, seed: 3)).ToList();

    /// <summary>
    /// NaCl in n × n × n conventional cells (8n³ atoms), every atom moved by up to 0.1 Å in each direction so that no two
    /// atoms share their surroundings.
    /// </summary>
    internal static Crystal RockSalt(int n, int seed)
    {
        const double Spacing = 5.64;
        var random = new Random(seed);
        var lattice = new Lattice(new double[,] { { Spacing * n, 0, 0 }, { 0, Spacing * n, 0 }, { 0, 0, Spacing * n } });
        var basis = new[] { (0.0, 0.0, 0.0), (0.0, 0.5, 0.5), (0.5, 0.0, 0.5), (0.5, 0.5, 0.0) };
        var sites = new List<Site>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                    foreach (var (x, y, z) in basis)
                        foreach (var (element, shift) in new[] { (Element.Parse("Na"), 0.0), (Element.Parse("Cl"), 0.5) })
                        {
                            var fractional = new[] { i + x + shift, j + y, k + z }
                                .Select(c => (c + (random.NextDouble() - 0.5) * 0.2 / Spacing) / n).ToArray();
                            sites.Add(new Site(element, fractional, lattice.ToCartesian(fractional)));
                        }
        return new Crystal($"NaCl_{n}x{n}x{n}_seed{seed}", lattice, sites);
    }
}
