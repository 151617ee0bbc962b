using MoePS.Engine.Benchmarks;

namespace MoePS.Engine.Cluster;

/// <summary>
/// The work of one benchmark array task: its run, through the same <see cref="BenchmarkRunner"/> as a
/// local benchmark, the result appended to the plan's result file. A run the file already has (a
/// resubmission, or a task Slurm started twice) is not trained again.
/// </summary>
public static class BenchmarkArrayTask
{
    /// <summary>The entry the batch script calls; returns the process's exit status.</summary>
    public static int Run(string specPath) => SlurmArrayTask.Run((index, cancellation) => Execute(specPath, index, cancellation));

    static int Execute(string specPath, int index, CancellationToken cancellation)
    {
        var spec = BenchmarkArraySpec.Load(specPath);
        var run = SlurmArrayTask.ItemOf(spec.Runs, index, specPath, "run");
        var store = new ResultStore(spec.ResultPath);
        var device = spec.ResolveDevice();
        using var trainer = new BenchmarkTrainer(new BenchmarkTasks(spec.SplitPath), device);
        var runner = new BenchmarkRunner(store, trainer);
        SlurmArrayTask.Log($"{BenchmarkArraySpec.Label(run)} ({run.Key}) on {device.Name}, results in {store.Path}");
        // The benchmark loop, for a plan of one run: it claims the run in the store, so that no other
        // writer of the result file runs it at the same time, and leaves it when the file has it.
        var outcome = runner.Run(new[] { run }, progress: new SlurmArrayTask.EpochLog(cancellation), cancellation: cancellation).Single();
        switch (outcome.Status)
        {
            case BenchmarkRunStatus.Finished:
                SlurmArrayTask.Log($"{outcome.Result} ({outcome.Result!.Epochs} epochs, {outcome.Result.Seconds:F1} s): appended");
                break;
            case BenchmarkRunStatus.InResultFile:
                SlurmArrayTask.Log("already in the result file: nothing to do");
                break;
            case BenchmarkRunStatus.ClaimedElsewhere:
                throw new SlurmException($"{BenchmarkArraySpec.Label(run)} is being run by process {outcome.ClaimedBy?.Pid} on {outcome.ClaimedBy?.Host}, which claimed it in {store.Path}; this task left it to that one.");
            default:
                throw (Exception?)outcome.Error ?? new SlurmException($"{BenchmarkArraySpec.Label(run)} ended {outcome.Status}.");
        }
        return 0;
    }
}
