using System.Globalization;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// Does fine-tuning TensorNet's last interaction block pay (issue 18: "only if a measurement says it pays")? TL from the
/// TensorNet expert, twice on the same seeds and the paper's splits with the Fast preset: its last block frozen (the
/// shipped expert: cached features), and fine-tuned at the mixture's fine-tuning rate, as the paper fine-tunes a CGCNN's
/// last convolution. Both sides share everything else: the head of TL (Softplus(Linear(128→128)), then the 3-layer MLP),
/// Adam, batch 250, the cosine schedule, early stopping on validation. Reports both sides' mean test MAE per task and
/// the fine-tuned side's paired seeds won. The frozen side is the shipped TL from TensorNet (the expert's own features,
/// the head drawn as MixtureNetwork draws it); the fine-tuned side starts from the same head.
/// </summary>
public abstract class TensorNetFineTuneBenchmark(string name, params string[] tasks) : IBenchmark
{
    const int Seeds = 5;

    public string Name => name;

    public bool IsLong => true;

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var potential = TensorNetPotential.Load(context.PathOf(TensorNetPotential.RelativePath));
        foreach (string task in tasks)
        {
            var frozen = new List<double>();
            var tuned = new List<double>();
            double seconds = 0;
            var dataset = context.LoadTask(task);
            var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
            using var inputs = new TensorNetTailInputs(potential, crystals);
            var frozenFeatures = potential.FeaturesEachAlone(crystals, get_num_threads());
            BenchContext.Log($"  {task}: the tail at the potential's weights against its features, max |difference| {Agreement(potential, inputs, dataset):G3}");
            var labels = dataset.Entries.Select(e => e.Target).ToArray();
            for (int seed = 0; seed < Seeds; seed++)
            {
                var split = context.LoadTask(task, seed).Split!;
                foreach (bool fineTune in new[] { false, true })
                {
                    using var target = new TailTrainingTarget(potential, inputs, frozenFeatures, fineTune, seed);
                    var options = new TrainingOptions { Seed = seed }.With(TrainingPreset.Fast);
                    var result = Trainer.Fit(target, labels, split, options);
                    (fineTune ? tuned : frozen).Add(result.TestMae);
                    seconds += result.Elapsed.TotalSeconds;
                    BenchContext.Log(string.Create(CultureInfo.InvariantCulture,
                        $"  {task} seed {seed}, last block {(fineTune ? "fine-tuned" : "frozen")}: test MAE {result.TestMae:G4} (best epoch {result.BestEpoch} of {result.EpochsRun}, {result.Elapsed.TotalSeconds:F0} s)"));
                }
            }
            int won = frozen.Zip(tuned, (f, t) => t < f ? 1 : 0).Sum();
            string details = string.Create(CultureInfo.InvariantCulture,
                $"{task}, seeds 0-{Seeds - 1} (the paper's splits), Fast preset; frozen [{string.Join(", ", frozen.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}], " +
                $"fine-tuned [{string.Join(", ", tuned.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}]; fine-tuned better on {won}/{Seeds} seeds; {seconds:F0} s of training");
            yield return new BenchResult($"{Name}.{task}.frozen_test_mae", frozen.Average(), "MAE", details);
            yield return new BenchResult($"{Name}.{task}.fine_tuned_test_mae", tuned.Average(), "MAE", details);
            yield return new BenchResult($"{Name}.{task}.fine_tuned_seeds_won", won, "seeds", details);
        }
    }

    /// <summary>The largest difference between the tail's features at the potential's weights and the potential's own.</summary>
    static double Agreement(TensorNetPotential potential, TensorNetTailInputs inputs, CrystalDataset dataset)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var tail = new TensorNetTail(potential);
        int[] rows = Enumerable.Range(0, Math.Min(20, dataset.Entries.Count)).ToArray();
        var expected = potential.CrystalFeatures(rows.Select(r => dataset.Entries[r].Crystal).ToList());
        return tail.Features(inputs.Batch(rows)).sub(expected).abs().max().item<float>();
    }
}

/// <summary>Two of the smallest tasks (120 rows each) and jarvis_2d_exfoliation (636), where TL from TensorNet beat MoE-18 on 4 of 5 seeds.</summary>
public sealed class TensorNetFineTuneFirstBenchmark() : TensorNetFineTuneBenchmark("tensornet.finetune",
    "jarvis_2d_gap_tbmbj", "jarvis_2d_dielectric_tbmbj", "jarvis_2d_exfoliation");

/// <summary>Two more JARVIS 2D tasks of exfoliation's size, run after the first three had been read, to confirm what they say.</summary>
public sealed class TensorNetFineTuneConfirmBenchmark() : TensorNetFineTuneBenchmark("tensornet.finetune_confirm",
    "jarvis_2d_gap_opt", "jarvis_2d_eform");

/// <summary>TL from TensorNet over <see cref="TensorNetTail"/>: its crystal feature, Softplus(Linear(units→units)), the MLP head.</summary>
internal sealed class TailTrainingTarget : ITrainingTarget, IDisposable
{
    readonly TensorNetTailInputs inputs;
    readonly bool fineTune;
    /// <summary>With the last block frozen, every crystal's feature as the shipped expert gives it.</summary>
    readonly Tensor? frozenFeatures;
    readonly ModuleDict<nn.Module> network;
    readonly TensorNetTail tail;
    readonly Linear adapter;
    readonly MlpHead head;

    /// <param name="frozen">Each crystal's feature as the shipped expert computes it (TensorNetPotential.FeaturesEachAlone).</param>
    public TailTrainingTarget(TensorNetPotential potential, TensorNetTailInputs inputs, float[][] frozen, bool fineTune, int seed)
    {
        this.inputs = inputs;
        this.fineTune = fineTune;
        int units = potential.Architecture.Units;
        tail = new TensorNetTail(potential);
        adapter = nn.Linear(units, units);
        head = new MlpHead(units);
        // As MixtureNetwork.ResetHeads draws them: the head, then the adapter, from a generator seeded with the seed.
        using (no_grad())
        {
            using var generator = new Generator((ulong)seed);
            head.ResetParameters(generator);
            MlpHead.ResetLinear(adapter, generator);
        }
        network = nn.ModuleDict<nn.Module>(("tail", tail), ("adapter", adapter), ("head", head));
        foreach (var p in tail.parameters()) p.requires_grad = fineTune;
        if (!fineTune) frozenFeatures = tensor(frozen.SelectMany(f => f).ToArray()).view(frozen.Length, units);
    }

    public IReadOnlyDictionary<string, string> Identity => new Dictionary<string, string>
    {
        ["kind"] = "TL from TensorNet, tail", ["last block"] = fineTune ? "fine-tuned" : "frozen",
    };

    public Device Device => CPU;

    public IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate)
    {
        var groups = new List<ParameterGroup> { new("adapter and head", adapter.parameters().Concat(head.parameters()).ToList(), baseLearningRate) };
        if (fineTune) groups.Add(new ParameterGroup("last block", tail.parameters().ToList(), new MixtureOptions().FineTuneLearningRate));
        return groups;
    }

    public void SetTraining(bool training) => network.train(training);

    public Tensor Forward(int[] rows)
    {
        using var scope = NewDisposeScope();
        var features = frozenFeatures?.index_select(0, tensor(rows.Select(r => (long)r).ToArray())) ?? tail.Features(inputs.Batch(rows));
        return head.forward(HeldScalars.Softplus(adapter.forward(features))).MoveToOuterDisposeScope();
    }

    public Tensor? Regularisation() => null;

    public IReadOnlyDictionary<string, Tensor> CaptureState()
    {
        using var noGrad = no_grad();
        return network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    public void RestoreState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        foreach (var (key, value) in network.state_dict()) value.copy_(state[key]);
    }

    public void Dispose()
    {
        frozenFeatures?.Dispose();
        network.Dispose();
    }
}
