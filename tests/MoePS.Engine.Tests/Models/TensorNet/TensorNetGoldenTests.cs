using System.Globalization;
using MoePS.Engine.Models.TensorNet;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>The MatPES-PBE TensorNet potential loaded once in each dtype.</summary>
public sealed class TensorNetPotentials : IDisposable
{
    public TensorNetPotential SinglePrecision { get; } = TensorNetPotential.Load(TensorNetGolden.Folder, ScalarType.Float32);
    public TensorNetPotential DoublePrecision { get; } = TensorNetPotential.Load(TensorNetGolden.Folder, ScalarType.Float64);

    public void Dispose()
    {
        SinglePrecision.Dispose();
        DoublePrecision.Dispose();
    }
}

/// <summary>
/// The port against MatGL's reference outputs (golden.json) on its 13 structures. Vectors (the 128-number crystal
/// feature, node_feat of atom 0, the 384 norms of atom 0) are compared relative to their largest component,
/// max_i |Δ_i| / max_i |expected_i|, since elementwise relative error means nothing for components near zero.
/// Energies are compared absolutely: 1e-9 eV in float64; in float32 1e-4 eV, or two float32 steps of the energy
/// where that is more — from 512 eV up a step is 6.1e-5 eV, and two float32 computations of the same sum can land a
/// step or two apart (the reference's own float32 energy of the 152-atom cell is 1.4 steps from its float64 one).
/// </summary>
public class TensorNetGoldenTests : IClassFixture<TensorNetPotentials>
{
    readonly TensorNetPotentials potentials;
    readonly ITestOutputHelper output;

    public TensorNetGoldenTests(TensorNetPotentials potentials, ITestOutputHelper output)
    {
        this.potentials = potentials;
        this.output = output;
    }

    [Fact]
    public void PairCountsAreTheReferenceGraphs()
    {
        Assert.Equal(13, TensorNetGolden.Structures.Count);
        foreach (var s in TensorNetGolden.Structures)
        {
            Assert.Equal(s.DoublePrecision.Pairs, s.SinglePrecision.Pairs);
            Assert.True(s.DoublePrecision.Pairs == potentials.DoublePrecision.PairsOf(s.Crystal).Count, $"{s.Label}: {potentials.DoublePrecision.PairsOf(s.Crystal).Count} pairs, reference {s.DoublePrecision.Pairs}");
        }
    }

    [Fact]
    public void Float64MatchesTheReference() =>
        AssertMatches(potentials.DoublePrecision, s => s.DoublePrecision, vectorTolerance: 1e-9, energy => 1e-9);

    [Fact]
    public void Float32MatchesTheReference() =>
        AssertMatches(potentials.SinglePrecision, s => s.SinglePrecision, vectorTolerance: 1e-5, energy => Math.Max(1e-4, 2 * Float32Step(energy)));

    /// <summary>The distance from |value| in float32 to the next float32 up.</summary>
    static double Float32Step(double value)
    {
        float f = MathF.Abs((float)value);
        return (double)MathF.BitIncrement(f) - f;
    }

    void AssertMatches(TensorNetPotential potential, Func<TensorNetGoldenStructure, TensorNetExpected> reference, double vectorTolerance, Func<double, double> energyTolerance)
    {
        var failures = new List<string>();
        double worstFeature = 0, worstNode = 0, worstNorms = 0, worstEnergy = 0;
        foreach (var s in TensorNetGolden.Structures)
        {
            var expected = reference(s);
            var actual = TensorNetOutputs.Of(potential, s);
            double feature = TensorNetOutputs.RelativeDeviation(expected.Feature, actual.Feature);
            double node = TensorNetOutputs.RelativeDeviation(expected.NodeFeatureOfAtom0, actual.NodeFeatureOfAtom0);
            double norms = TensorNetOutputs.RelativeDeviation(expected.NormsOfAtom0, actual.NormsOfAtom0);
            double energy = Math.Abs(expected.Energy - actual.Energy);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{s.Label}: feature {feature:G3}, node_feat[0] {node:G3}, norms[0] {norms:G3} (relative); energy {actual.Energy:R} vs {expected.Energy:R}, |Δ| {energy:G3} eV");
            output.WriteLine(line);
            if (!(feature <= vectorTolerance && node <= vectorTolerance && norms <= vectorTolerance && energy <= energyTolerance(expected.Energy))) failures.Add(line);
            worstFeature = Math.Max(worstFeature, feature);
            worstNode = Math.Max(worstNode, node);
            worstNorms = Math.Max(worstNorms, norms);
            worstEnergy = Math.Max(worstEnergy, energy);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worst: feature {worstFeature:G3}, node_feat[0] {worstNode:G3}, norms[0] {worstNorms:G3}, energy {worstEnergy:G3} eV"));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
