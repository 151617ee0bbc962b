using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// Several crystals' inputs to a <see cref="TensorNetTail"/>, their atoms and pairs one crystal after another: the node
/// tensors as the block normalises them and their components (<see cref="TensorNetInteraction.Prepare"/>), and the pairs.
/// </summary>
public sealed record TensorNetTailBatch(Tensor Normalised, Tensor Components, RadialPairs Pairs, IReadOnlyList<int> AtomCounts);

/// <summary>
/// What a TensorNet potential's last interaction layer reads, per crystal: the node tensors after the layers before it,
/// normalised and split into components as that layer starts (<see cref="TensorNetInteraction.Prepare"/>), and the pairs'
/// atoms, radial basis and envelope (one basis and envelope row per distinct pair length, which the block's radial network
/// then runs once for: <see cref="RadialPairs.SharingRadialRows"/>), computed once with the potential's frozen weights, each
/// crystal alone on one torch thread (as the expert's features are, so they are the same bits however many threads run),
/// kept on a device for training. About 9.7 kB per atom and 24 bytes per pair in float32 (the MatPES potential: 128 units,
/// 3 radial functions).
/// </summary>
public sealed class TensorNetTailInputs : TunableBlockInputs
{
    readonly (Tensor Normalised, Tensor Components, RadialPairs Pairs)[] crystals;

    TensorNetTailInputs((Tensor, Tensor, RadialPairs)[] crystals)
    {
        this.crystals = crystals;
        PairCount = this.crystals.Sum(c => c.Pairs.Source.shape[0]);
    }

    public override int Count => crystals.Length;

    /// <summary>The messages summed onto each atom, [pairs, units, 10 components], the block's largest tensors.</summary>
    public override double StepFloatsPerCrystal =>
        Count == 0 ? 0 : (double)PairCount / Count * crystals[0].Normalised.shape[1] * CartesianTensors.ComponentCount;

    /// <summary>Directed pairs of all the crystals together.</summary>
    public long PairCount { get; }

    /// <summary>The inputs of <paramref name="structures"/> on <paramref name="device"/>, on up to <paramref name="workers"/> threads.</summary>
    public static TensorNetTailInputs Compute(TensorNetPotential potential, IReadOnlyList<Crystal> structures, int workers, Device device)
    {
        var computed = OneTorchThreadWorkers.Map(structures, workers, crystal =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var batch = potential.Batch(new[] { crystal });
            var (x, pairs) = potential.Model.LastBlockInputs(batch);
            var (normalised, components) = TensorNetInteraction.Prepare(x);
            // Copies, as Source and Target are the batch's and are disposed with it.
            return (Kept(normalised), Kept(components), pairs.SharingRadialRows().Map(Kept));
        });
        return new TensorNetTailInputs(computed);

        Tensor Kept(Tensor t) => t.to(device, copy: true).MoveToOuterDisposeScope();
    }

    /// <summary>The crystals <paramref name="rows"/> as one batch.</summary>
    public TensorNetTailBatch Batch(IReadOnlyList<int> rows)
    {
        var parts = rows.Select(r => crystals[r]).ToArray();
        var counts = parts.Select(p => (int)p.Normalised.shape[0]).ToArray();
        var pairs = RadialPairs.Joined(parts.Select(p => p.Pairs).ToArray(), counts);
        return new TensorNetTailBatch(cat(parts.Select(p => p.Normalised).ToArray(), 0), cat(parts.Select(p => p.Components).ToArray(), 0), pairs, counts);
    }

    public override void Dispose()
    {
        foreach (var (normalised, components, pairs) in crystals)
        {
            normalised.Dispose();
            components.Dispose();
            foreach (var t in pairs.Tensors) t.Dispose();
        }
    }
}
