using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>
/// Neighbour padding as the paper's graph code does it (CGCNN's data.py, used by Chang, Wang &amp; Ertekin 2022):
/// an atom with fewer than 12 neighbours within 8 Å gets its real neighbours nearest first, then index 0 at
/// distance radius + 1 = 9 Å; collating adds the crystal's first atom to every index, padding included.
/// </summary>
public class PaddedGraphTests
{
    /// <summary>
    /// Two atoms 3 Å apart along a 6 Å axis of a 6 × 9 × 9 Å cell. Each sees the other at 3 Å on both sides
    /// (x ± 3), its own images at 6 Å (x ± 6), and nothing else within 8 Å: the next are at 9 Å (y, z ± 9) and
    /// √(3² + 9²) ≈ 9.49 Å. So 4 real neighbours and 8 padded slots per atom, all distances exact in binary.
    /// </summary>
    static Crystal TwoAtomsInALongCell()
    {
        var lattice = new Lattice(new double[,] { { 6, 0, 0 }, { 0, 9, 0 }, { 0, 0, 9 } });
        double[] a = { 0, 0, 0 }, b = { 0.5, 0, 0 };
        return new Crystal("padded-pair", lattice, new[]
        {
            new Site(Element.Parse("Na"), a, lattice.ToCartesian(a)),
            new Site(Element.Parse("Cl"), b, lattice.ToCartesian(b)),
        });
    }

    static readonly int[] ExpectedIndex =
    {
        1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // Na: Cl, Cl at 3 Å; Na images at 6 Å; padding (index 0)
        0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, // Cl: Na, Na at 3 Å; Cl images at 6 Å; padding (index 0)
    };

    static readonly double[] ExpectedDistance =
        Enumerable.Repeat(new[] { 3.0, 3.0, 6.0, 6.0 }.Concat(Enumerable.Repeat(9.0, 8)), 2).SelectMany(d => d).ToArray();

    [Fact]
    public void PaddedSlotsHoldIndexZeroAtRadiusPlusOne()
    {
        var crystal = TwoAtomsInALongCell();
        foreach (var graph in new[] { GraphBuilder.Build(crystal, GraphSettings.Default), BruteForceNeighbourSearch.Build(crystal, GraphSettings.Default) })
        {
            Assert.Equal(12, graph.MaxNeighbours);
            Assert.Equal(ExpectedIndex, graph.NeighbourIndex);
            Assert.Equal(ExpectedDistance, graph.NeighbourDistance);
        }
    }

    [Fact]
    public void GaussianFeaturesOfPaddedSlotsFollowTheFormula()
    {
        var settings = GraphSettings.Default;
        var features = GaussianExpansion.Expand(GraphBuilder.Build(TwoAtomsInALongCell(), settings), settings);
        Assert.Equal(2 * 12 * 41, features.Length);
        for (int e = 0; e < ExpectedDistance.Length; e++)
            for (int k = 0; k <= 40; k++)
            {
                // exp(−(d − μ_k)² / 0.2²) with μ_k = 0.2·k Å (CGCNN's GaussianDistance(dmin=0, dmax=8, step=0.2)).
                double expected = Math.Exp(-Math.Pow(ExpectedDistance[e] - 0.2 * k, 2) / 0.04);
                Assert.Equal((float)expected, features[e * 41 + k], 1e-7f);
            }
        int padded = 4 * 41; // atom 0, slot 4: the first padded slot
        Assert.Equal((float)Math.Exp(-25), features[padded + 40]); // μ = 8 Å is 1 Å from 9 Å: e^(−1²/0.2²)
        Assert.Equal(0f, features[padded]); // μ = 0: e^(−2025) underflows
        Assert.Equal(1f, features[15]); // atom 0, slot 0 (3 Å) on μ_15 = 3 Å
    }

    [Fact]
    public void CollatingPointsPaddedSlotsAtTheCrystalsOwnFirstAtom()
    {
        var extractor = ExtractorFiles.Import(TestData.PathOf("extractors", "mp_eform.safetensors"));
        using (extractor)
        {
            var cpu = ComputeDevice.Parse("cpu");
            var filler = RandomCrystals.Make(RandomCrystals.Shape.General, 3);
            var graphs = new[] { GraphBuilder.Build(filler, extractor.GraphSettings), GraphBuilder.Build(TwoAtomsInALongCell(), extractor.GraphSettings) };
            string[] ids = { filler.Id, "padded-pair" };
            using (var set = extractor.GraphTensors(graphs, ids, cpu))
            {
                long start = set.AtomRange(1).Start;
                Assert.Equal(filler.AtomCount, start);
                var index = set.NeighbourIndex.data<long>().ToArray()[(int)(start * 12)..];
                Assert.Equal(ExpectedIndex.Select(i => start + i), index);
            }
            // Padding that pointed at the batch's atom 0 instead would make the prediction depend on its neighbours in the batch.
            double inBatch = extractor.Predict(graphs, ids, cpu)[1];
            double alone = extractor.Predict(new[] { graphs[1] }, new[] { ids[1] }, cpu)[0];
            Assert.True(Math.Abs(inBatch - alone) < 1e-6, $"in a batch {inBatch}, alone {alone}");
        }
    }
}
