using System.Security.Cryptography;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// A TensorNet potential as an expert of a mixture: its crystal feature (the mean of node_feat over the atoms,
/// 128 numbers, float32, on the CPU) computed once per structure and kept in the <see cref="FeatureCache"/>; with
/// the mixture setting TensorNetLastBlock FineTuned, a trainable copy of its last block (<see cref="NewBlock"/>) over the
/// inputs of that block (<see cref="BlockInputs"/>) instead.
/// </summary>
public sealed class TensorNetExpert : ITunableExpert, IDisposable
{
    readonly object sync = new();
    readonly TensorNetPotential potential;

    TensorNetExpert(string name, string folder, TensorNetPotential potential, string weightsSha256, string? licence)
    {
        Name = name;
        Folder = folder;
        this.potential = potential;
        WeightsSha256 = weightsSha256;
        Licence = licence;
    }

    public string Name { get; }
    public string Kind => "TensorNet";
    public string Description => $"universal interatomic potential ({Name})";
    public int FeatureLength => potential.FeatureLength;
    public GraphSettings? GraphSettings => null;

    /// <summary>The folder it was loaded from (model.json, state.pt).</summary>
    public string Folder { get; }
    /// <summary>SHA-256 of state.pt.</summary>
    public string WeightsSha256 { get; }
    /// <summary>The first line of the folder's LICENSE, or null when it has none.</summary>
    public string? Licence { get; }
    public string Source => $"MatGL TensorNet, {Path.Combine(Folder, TensorNetPotential.StateFile)}";
    /// <summary>Pair cut-off in Å: every pair of atoms within it, no neighbour cap.</summary>
    public double Cutoff => potential.Architecture.Cutoff;
    public int ElementCount => potential.Architecture.ElementTypes.Count;

    public string CacheKey => $"tensornet-{WeightsSha256[..16]}-float32";

    /// <summary>Loads the potential in <paramref name="folder"/>; its name is the folder's.</summary>
    public static TensorNetExpert Load(string folder)
    {
        string state = Path.Combine(folder, TensorNetPotential.StateFile);
        if (!File.Exists(state) || !File.Exists(Path.Combine(folder, TensorNetPotential.ModelFile)))
            throw new FileNotFoundException($"'{folder}' is not a TensorNet expert: it needs {TensorNetPotential.ModelFile} and {TensorNetPotential.StateFile}.", state);
        string sha;
        using (var stream = File.OpenRead(state)) sha = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        string licenceFile = Path.Combine(folder, "LICENSE");
        string? licence = File.Exists(licenceFile) ? File.ReadLines(licenceFile).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) : null;
        var potential = TensorNetPotential.Load(folder);
        return new TensorNetExpert(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), Path.GetFullPath(folder), potential, sha, licence);
    }

    public void CheckSupports(Crystal crystal) => potential.CheckSupports(crystal);

    /// <summary>The features of the crystals, from the cache or computed (on the CPU whatever <paramref name="device"/> is).</summary>
    public float[][] Features(CrystalInputs crystals, ComputeDevice device)
    {
        foreach (var c in crystals.Crystals) CheckSupports(c);
        return crystals.FeatureCache.GetOrCompute(this, crystals.Crystals, Compute);
    }

    /// <summary>
    /// Each crystal alone (a batch of one) on one torch thread, as many crystals at once as the caller has torch
    /// threads: in float32 a crystal's feature computed beside others, or with its sums split over threads, differs in
    /// the last bits, and which crystals are computed together depends on what the cache already holds, so either would
    /// make a run's features depend on the runs before it or on the machine.
    /// </summary>
    float[][] Compute(IReadOnlyList<Crystal> crystals)
    {
        lock (sync) return potential.FeaturesEachAlone(crystals, get_num_threads());
    }

    /// <summary>A trainable copy of its last interaction block, out_norm and linear, at the potential's weights.</summary>
    public TunableBlock NewBlock() => new TensorNetTail(potential.Model);

    /// <summary>
    /// What <see cref="NewBlock"/> reads for each crystal, on <paramref name="device"/>: computed each crystal alone on one
    /// torch thread, as many at once as the caller has torch threads, like <see cref="Features"/> (not cached on disk).
    /// </summary>
    public TunableBlockInputs BlockInputs(IReadOnlyList<Crystal> crystals, ComputeDevice device)
    {
        foreach (var c in crystals) CheckSupports(c);
        lock (sync) return TensorNetTailInputs.Compute(potential, crystals, get_num_threads(), device.ToTorch());
    }

    public override string ToString() => $"{Name} ({Kind}, {FeatureLength} features)";

    public void Dispose() => potential.Dispose();
}
