using System.Management.Automation;
using MoePS.Engine.Training;

namespace MoePS.Cmdlets;

/// <summary>
/// Runs a training job for a cmdlet: the job on a worker thread, while the cmdlet's own thread
/// turns each <see cref="EpochReport"/> into Write-Progress (epoch i/N, loss, validation MAE,
/// best, time left) and a -Verbose line, as PowerShell requires. Usage in a cmdlet:
/// <code>
/// runner = new TrainingCmdletRunner(this, "Pre-training extractor");
/// var result = runner.Run((progress, token) => Trainer.Fit(target, targets, split, options, progress, token));
/// ...
/// protected override void StopProcessing() => runner?.Stop();
/// </code>
/// Stop (Ctrl+C) cancels the token: training ends at the next batch and Fit returns the best model so far.
/// </summary>
public sealed class TrainingCmdletRunner : IDisposable
{
    readonly Cmdlet cmdlet;
    readonly int activityId;
    readonly int parentActivityId;
    readonly ProgressPump<EpochReport> pump = new();

    /// <param name="cmdlet">The cmdlet whose progress and verbose streams receive the reports.</param>
    /// <param name="activity">The progress bar's title, e.g. "Training mixture on jarvis_2d_exfoliation".</param>
    /// <param name="activityId">Progress activity id, for cmdlets that show several bars.</param>
    /// <param name="parentActivityId">Id of the bar this one is nested under, or -1 for none.</param>
    public TrainingCmdletRunner(Cmdlet cmdlet, string activity, int activityId = 1, int parentActivityId = -1)
    {
        this.cmdlet = cmdlet;
        Activity = activity;
        this.activityId = activityId;
        this.parentActivityId = parentActivityId;
    }

    /// <summary>The progress bar's title; a runner reused for several jobs retitles it before each.</summary>
    public string Activity { get; set; }

    /// <summary>Runs <paramref name="training"/> on a worker thread, showing its progress; call from the cmdlet's thread.</summary>
    public TResult Run<TResult>(Func<IProgress<EpochReport>, CancellationToken, TResult> training)
    {
        try
        {
            return pump.Run(training, Show);
        }
        finally
        {
            CloseProgressBar();
        }
    }

    /// <summary>Cancels the training; safe from StopProcessing's thread.</summary>
    public void Stop() => pump.Cancel();

    public void Dispose() => pump.Dispose();

    void Show(EpochReport report)
    {
        var r = report.Record;
        var progress = new ProgressRecord(activityId, Activity,
            $"Epoch {report.Epoch}/{report.TotalEpochs}  loss {r.TrainLoss:G4}  val MAE {r.ValidationMae:G4}  best {report.BestValidationMae:G4} (epoch {report.BestEpoch})")
        {
            ParentActivityId = parentActivityId,
            PercentComplete = Math.Clamp((int)report.PercentComplete, 0, 100),
            SecondsRemaining = (int)Math.Ceiling(report.Remaining.TotalSeconds),
        };
        cmdlet.WriteProgress(progress);
        cmdlet.WriteVerbose(report.ToString());
    }

    void CloseProgressBar()
    {
        try
        {
            cmdlet.WriteProgress(new ProgressRecord(activityId, Activity, "Done")
                { ParentActivityId = parentActivityId, RecordType = ProgressRecordType.Completed });
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the pipeline takes no more output, and the bar goes with it.
        }
    }
}
