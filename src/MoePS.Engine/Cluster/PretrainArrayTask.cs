using System.Globalization;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;

namespace MoePS.Engine.Cluster;

/// <summary>
/// The work of a pre-training job: train with checkpoints, resuming from the checkpoint after a
/// requeue (the result equals an uninterrupted run with the same seed, since a checkpoint holds the
/// whole state at an epoch's end). Stopped by SIGTERM, it answers
/// <see cref="SlurmBatchScript.CheckpointedExitCode"/> (its last epoch is in the checkpoint), on which
/// the batch script requeues it when the stop came from the time-limit signal. Finished, it writes
/// the extractor (.moex) to the spec's model path.
/// </summary>
public static class PretrainArrayTask
{
    /// <summary>The entry the batch script calls; returns the process's exit status.</summary>
    public static int Run(string specPath) => SlurmArrayTask.Run((_, cancellation) => Execute(specPath, cancellation));

    static int Execute(string specPath, CancellationToken cancellation)
    {
        var spec = PretrainArraySpec.Load(specPath);
        var dataset = spec.ReadDataset();
        var device = spec.ResolveDevice();
        // A requeued task continues from its checkpoint whatever the first start was asked to do.
        bool restarted = int.TryParse(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out int restarts)
            && restarts > 0;
        var options = spec.Options with { Resume = spec.Options.Resume || restarted };
        SlurmArrayTask.Log($"training a CGCNN on {dataset.Name} ({dataset.Split}) on {device.Name}; checkpoint {options.CheckpointPath}" +
            (options.Resume && File.Exists(options.CheckpointPath) ? " (resuming from it)" : ""));
        using var extractor = ExtractorPretraining.Train(dataset, options, spec.Architecture, device, spec.Name,
            new SlurmArrayTask.EpochLog(cancellation), cancellation: cancellation);
        var run = extractor.Training!;
        if (run.Cancelled)
        {
            SlurmArrayTask.Log($"stopped after epoch {run.EpochsRun}; the checkpoint holds the last epoch saved");
            return SlurmBatchScript.CheckpointedExitCode;
        }
        ExtractorBundle.Write(extractor, spec.ModelPath);
        SlurmArrayTask.Log($"{extractor.Name}: {run}; written to {spec.ModelPath}");
        return 0;
    }
}
