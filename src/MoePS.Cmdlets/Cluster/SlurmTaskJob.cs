using System.Management.Automation;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets.Cluster;

/// <summary>
/// A child job of <see cref="SlurmJob"/>: one array task. Its state follows the task's
/// <see cref="SlurmTaskStatus"/>; when it completes, its output is the task's results (read from the
/// files the task wrote); when it fails, its error is the end of the task's log.
/// </summary>
public sealed class SlurmTaskJob : Job
{
    readonly Func<int, IEnumerable<object>> results;
    string statusMessage = "";

    internal SlurmTaskJob(string command, string name, int arrayTask, string slurmTaskId, Func<int, IEnumerable<object>> results)
        : base(command, name)
    {
        ArrayTask = arrayTask;
        SlurmTaskId = slurmTaskId;
        this.results = results;
        PSJobTypeName = nameof(SlurmTaskJob);
    }

    /// <summary>The array index (SLURM_ARRAY_TASK_ID).</summary>
    public int ArrayTask { get; }

    /// <summary>Slurm's name for the task: JOBID_INDEX.</summary>
    public string SlurmTaskId { get; }

    /// <summary>The work's exit status once it ended.</summary>
    public int? ExitCode { get; private set; }

    public override string StatusMessage => statusMessage;

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0;

    public override string Location => "Slurm";

    /// <summary>Stop-Job on one task cancels that task alone.</summary>
    public event EventHandler? StopRequested;

    public override void StopJob() => StopRequested?.Invoke(this, EventArgs.Empty);

    /// <summary>Moves the job to the task's state; results or the error are written once, on the way into the final state.</summary>
    internal void Update(SlurmTaskStatus status)
    {
        statusMessage = status.Detail;
        ExitCode = status.ExitCode;
        var state = ToJobState(status.State);
        if (state == JobStateInfo.State || IsFinished(JobStateInfo.State)) return;
        if (state == JobState.Completed)
        {
            try
            {
                foreach (object result in results(ArrayTask))
                {
                    if (result is ErrorRecord error) Error.Add(error);
                    else Output.Add(PSObject.AsPSObject(result));
                }
            }
            catch (Exception e)
            {
                // Whatever reading the results throws (a missing or damaged file) is this task's error, never the poll's.
                Error.Add(new ErrorRecord(e, "SlurmResultUnreadable", ErrorCategory.ReadError, SlurmTaskId));
                state = JobState.Failed;
            }
        }
        else if (state == JobState.Failed)
        {
            Error.Add(new ErrorRecord(new SlurmException($"Slurm task {SlurmTaskId} ({Name}) failed: {status.Detail}"),
                "SlurmTaskFailed", ErrorCategory.OperationStopped, SlurmTaskId));
        }
        if (state != JobState.NotStarted) PSBeginTime ??= DateTime.Now;
        if (IsFinished(state)) PSEndTime = DateTime.Now;
        SetJobState(state);
    }

    static JobState ToJobState(SlurmTaskState state) => state switch
    {
        SlurmTaskState.Pending => JobState.NotStarted,
        SlurmTaskState.Running => JobState.Running,
        SlurmTaskState.Suspended => JobState.Suspended,
        SlurmTaskState.Completed => JobState.Completed,
        SlurmTaskState.Failed => JobState.Failed,
        _ => JobState.Stopped,
    };

    internal static bool IsFinished(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;
}
