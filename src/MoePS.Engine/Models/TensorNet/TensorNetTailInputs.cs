using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>Several crystals' inputs to a <see cref="TensorNetTail"/>, their atoms and pairs one crystal after another.</summary>
public sealed record TensorNetTailBatch(Tensor Tensors, PairGeometry Pairs, IReadOnlyList<int> AtomCounts);

/// <summary>
/// What a TensorNet potential's last interaction layer reads, per crystal: the node tensors after the layers before it
/// and the pairs' geometry, computed once with the potential's frozen weights, each crystal alone on one torch thread
/// (as the expert's features are, so they are the same bits however many threads run), kept on a device for training.
/// About 4.6 kB per atom and 48 bytes per pair in float32 (the MatPES potential: 128 units, 3 radial functions).
/// </summary>
public sealed class TensorNetTailInputs : TunableBlockInputs
{
    readonly (Tensor Tensors, PairGeometry Pairs)[] crystals;

    TensorNetTailInputs((Tensor, PairGeometry)[] crystals)
    {
        this.crystals = crystals;
        PairCount = this.crystals.Sum(c => c.Pairs.Source.shape[0]);
    }

    public override int Count => crystals.Length;

    /// <summary>The messages summed onto each atom, [pairs, units, 10 components], the block's largest tensors.</summary>
    public override double StepFloatsPerCrystal =>
        Count == 0 ? 0 : (double)PairCount / Count * crystals[0].Tensors.shape[1] * CartesianTensors.ComponentCount;

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
            // Source and Target are the batch's, disposed with it: copied like the rest.
            return (Kept(x, device), new PairGeometry(Kept(pairs.Source, device), Kept(pairs.Target, device), Kept(pairs.Vector, device),
                Kept(pairs.Distance, device), Kept(pairs.Basis, device), Kept(pairs.Envelope, device)));
        });
        return new TensorNetTailInputs(computed);
    }

    /// <summary>A copy on <paramref name="device"/> that outlives the worker's dispose scope.</summary>
    static Tensor Kept(Tensor t, Device device) => t.to(device, copy: true).MoveToOuterDisposeScope();

    /// <summary>The crystals <paramref name="rows"/> as one batch (pair indices shifted to the concatenated atoms).</summary>
    public TensorNetTailBatch Batch(IReadOnlyList<int> rows)
    {
        var parts = rows.Select(r => crystals[r]).ToArray();
        var counts = parts.Select(p => (int)p.Tensors.shape[0]).ToArray();
        long first = 0;
        var source = new Tensor[parts.Length];
        var target = new Tensor[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            using Scalar shift = first;
            source[i] = parts[i].Pairs.Source.add(shift);
            target[i] = parts[i].Pairs.Target.add(shift);
            first += counts[i];
        }
        Tensor Joined(Func<PairGeometry, Tensor> field) => cat(parts.Select(p => field(p.Pairs)).ToArray(), 0);
        var pairs = new PairGeometry(cat(source, 0), cat(target, 0), Joined(p => p.Vector), Joined(p => p.Distance), Joined(p => p.Basis),
            Joined(p => p.Envelope));
        return new TensorNetTailBatch(cat(parts.Select(p => p.Tensors).ToArray(), 0), pairs, counts);
    }

    public override void Dispose()
    {
        foreach (var (x, pairs) in crystals)
        {
            x.Dispose();
            foreach (var t in new[] { pairs.Source, pairs.Target, pairs.Vector, pairs.Distance, pairs.Basis, pairs.Envelope }) t.Dispose();
        }
    }
}
