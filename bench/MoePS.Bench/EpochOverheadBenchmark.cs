using System.Diagnostics;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using static TorchSharp.torch;
using MoePS.Engine.Models.Library;

namespace MoePS.Bench;

/// <summary>
/// The trainer's fixed cost per epoch on the smallest paper task (jarvis_2d_gap_tbmbj, 84 training and
/// 18 validation rows, one batch per epoch), for STL and MoE-18: the trainer's mean epoch time minus that of
/// a bare loop doing the same arithmetic on the same target (forward, MSE + regulariser, backward, Adam step;
/// then a validation forward). What is left is the trainer's bookkeeping: seeding, batch plans, the MAE
/// read-backs, best-state copies, heap trims. Target: under 10 ms.
/// </summary>
public sealed class EpochOverheadBenchmark : IBenchmark
{
    const string Task = "jarvis_2d_gap_tbmbj";
    const int Epochs = 40;

    public string Name => "epoch.overhead";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, Task);
        var dataset = data.Dataset;
        var split = dataset.Split!;
        var labels = dataset.Entries.Select(e => e.Target).ToArray();
        var cpu = CgcnnBenchData.Cpu;

        var crystals = new CrystalInputs(dataset.Entries.Select(e => e.Crystal).ToList(), data.Cache);
        var cases = new (string Name, Func<ITrainingTarget> Create)[]
        {
            ("stl", () => CgcnnTrainingTarget.ForDataset(CgcnnInitialiser.Create(CgcnnArchitecture.Default, 0), dataset,
                GraphSettings.Default, data.Elements, cpu.ToTorch())),
            ("moe18", () => new MixtureTrainingTarget(MoE18(), crystals, cpu)),
        };
        foreach (var (name, create) in cases)
        {
            double trainer, bare;
            int trims;
            using (var target = (IDisposable)create())
            {
                int trimsBefore = NativeMemory.TrimCount;
                // From one epoch report to the next: the whole cycle, including the best-state copy and the report itself.
                var reported = new List<double>();
                var clock = Stopwatch.StartNew();
                Trainer.Fit((ITrainingTarget)target, labels, split, new TrainingOptions { Epochs = Epochs, Patience = Epochs, Seed = 0 },
                    new InlineProgress<EpochReport>(_ => reported.Add(clock.Elapsed.TotalSeconds)));
                trainer = (reported[^1] - reported[0]) / (reported.Count - 1);
                trims = NativeMemory.TrimCount - trimsBefore - 1; // the run's last trim comes after its last report
            }
            using (var target = (IDisposable)create())
                bare = BareEpochSeconds((ITrainingTarget)target, labels, split);
            string details = $"{data.Describe()}; trainer {trainer * 1e3:F1} ms/epoch, bare loop {bare * 1e3:F1} ms/epoch, " +
                $"{trims} heap trims in {Epochs} epochs, " +
                $"epochs 2-{Epochs} (trainer: report to report); torch threads {get_num_threads()}; target < 10 ms";
            yield return new BenchResult($"epoch.overhead.{name}.trainer_ms", trainer * 1e3, "ms", details);
            yield return new BenchResult($"epoch.overhead.{name}.bare_ms", bare * 1e3, "ms", details);
            yield return new BenchResult($"epoch.overhead.{name}.overhead_ms", (trainer - bare) * 1e3, "ms", details);
        }
    }

    static MixtureModel MoE18() => new(PaperExtractors.Names.Select(n => ExtractorLibrary.Load(n)).ToList(), new MixtureOptions());

    /// <summary>The arithmetic of an epoch with nothing around it: one Adam over the same groups, the rows in order, no bookkeeping.</summary>
    static double BareEpochSeconds(ITrainingTarget target, double[] labels, Engine.Crystals.DatasetSplit split)
    {
        var normaliser = Normaliser.Fit(split.Train.Concat(split.Validation).Select(i => labels[i]));
        var parameters = target.ParameterGroups(0.01).SelectMany(g => g.Parameters).ToList();
        using var adam = optim.Adam(parameters, 0.01);
        var batch = split.Train;
        using var normalised = tensor(batch.Select(i => (float)normaliser.Normalise(labels[i])).ToArray());
        var seconds = new List<double>();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                target.SetTraining(true);
                adam.zero_grad();
                var loss = nn.functional.mse_loss(target.Forward(batch), normalised);
                var regularisation = target.Regularisation();
                if (regularisation is not null) loss += regularisation;
                loss.backward();
                adam.step();
                target.SetTraining(false);
                using (no_grad()) target.Forward(split.Validation).sum().item<float>();
            }
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return seconds.Skip(1).Average();
    }
}
