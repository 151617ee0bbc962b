using System.Globalization;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Does fine-tuning TensorNet's last interaction block pay (issue 18: "only if a measurement says it pays")? TL from the
/// TensorNet expert, twice on the same seeds and the paper's splits with the Fast preset: with
/// <see cref="TensorNetLastBlock.Frozen"/> (the expert's cached features) and <see cref="TensorNetLastBlock.FineTuned"/>
/// (its last block, out_norm and linear at the mixture's fine-tuning rate, as the paper fine-tunes a CGCNN's last
/// convolution). Everything else is the same mixture: the adapter, the head drawn from the seed, Adam, batch 250, the
/// cosine schedule, early stopping on validation. Reports both sides' mean test MAE per task and the fine-tuned side's
/// paired seeds won.
/// </summary>
public abstract class TensorNetFineTuneBenchmark(string name, params string[] tasks) : IBenchmark
{
    const int Seeds = 5;

    public string Name => name;

    public bool IsLong => true;

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var expert = TensorNetExpert.Load(context.PathOf(TensorNetPotential.RelativePath));
        foreach (string task in tasks)
        {
            var frozen = new List<double>();
            var tuned = new List<double>();
            double seconds = 0;
            for (int seed = 0; seed < Seeds; seed++)
            {
                var dataset = context.LoadTask(task, seed);
                foreach (var block in new[] { TensorNetLastBlock.Frozen, TensorNetLastBlock.FineTuned })
                {
                    using var untrained = new MixtureModel(new[] { expert }, new MixtureOptions { TensorNetLastBlock = block });
                    var options = new TrainingOptions { Seed = seed }.With(TrainingPreset.Fast);
                    using var trained = MixtureTraining.Train(untrained, dataset, options, ComputeDevice.Parse("cpu"));
                    var result = trained.Training!;
                    (block == TensorNetLastBlock.FineTuned ? tuned : frozen).Add(result.TestMae);
                    seconds += result.Elapsed.TotalSeconds;
                    BenchContext.Log(string.Create(CultureInfo.InvariantCulture,
                        $"  {task} seed {seed}, last block {block}: test MAE {result.TestMae:G4} (best epoch {result.BestEpoch} of {result.EpochsRun}, {result.Elapsed.TotalSeconds:F0} s)"));
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
}

/// <summary>Two of the smallest tasks (120 rows each) and jarvis_2d_exfoliation (636), where TL from TensorNet beat MoE-18 on 4 of 5 seeds.</summary>
public sealed class TensorNetFineTuneFirstBenchmark() : TensorNetFineTuneBenchmark("tensornet.finetune",
    "jarvis_2d_gap_tbmbj", "jarvis_2d_dielectric_tbmbj", "jarvis_2d_exfoliation");

/// <summary>Two more JARVIS 2D tasks of exfoliation's size, run after the first three had been read, to confirm what they say.</summary>
public sealed class TensorNetFineTuneConfirmBenchmark() : TensorNetFineTuneBenchmark("tensornet.finetune_confirm",
    "jarvis_2d_gap_opt", "jarvis_2d_eform");
