using System.ComponentModel;
using System.Management.Automation;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets.Cluster;

/// <summary>
/// A Slurm job array as a PowerShell job: Get-Job, Wait-Job, Receive-Job, Stop-Job (scancel) and
/// Remove-Job work on it. It has one child job per array task (<see cref="SlurmTaskJob"/>); a timer
/// polls squeue and the exit-status files (<see cref="SlurmTaskStatus.Read"/>) and moves the
/// children and this job along. The job only watches: the work runs in Slurm whether or not a shell
/// holds this object, and Get-MoeSlurmJob makes a new one from the record saved with the job.
/// </summary>
public sealed class SlurmJob : Job2
{
    /// <summary>Seconds between squeue polls, unless MOEPS_SLURM_POLL_SECONDS says otherwise.</summary>
    const double DefaultPollSeconds = 5;

    readonly SlurmCommands slurm;
    readonly SlurmJobFolder folder;
    readonly object sync = new();
    readonly Timer timer;
    string statusMessage = "";
    bool disposed;

    internal SlurmJob(SlurmJobRecord record, SlurmCommands slurm, Func<int, IEnumerable<object>> results)
        : base($"Slurm job {record.JobId}: {record.Kind} of {record.Target}", record.Name)
    {
        Record = record;
        this.slurm = slurm;
        folder = SlurmJobFolder.For(record.Target);
        PSJobTypeName = nameof(SlurmJob);
        for (int i = 0; i < record.Tasks.Count; i++)
        {
            var child = new SlurmTaskJob(Command, record.Tasks[i], i, $"{record.JobId}_{i}", results);
            child.StopRequested += (_, _) => CancelTask(child);
            ChildJobs.Add(child);
        }
        timer = new Timer(_ => Poll(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>What was submitted: job id, kind, target file, tasks.</summary>
    public SlurmJobRecord Record { get; }

    /// <summary>Slurm's job id (of the whole array).</summary>
    public string SlurmJobId => Record.JobId;

    /// <summary>The file the job writes (result file, checkpoint, predictions).</summary>
    public string Target => Record.Target;

    public override string StatusMessage => statusMessage;

    public override bool HasMoreData => ChildJobs.Any(c => c.HasMoreData);

    public override string Location => "Slurm";

    /// <summary>Reads the current state at once, then keeps polling until every task has ended.</summary>
    public override void StartJob()
    {
        Poll();
        lock (sync)
        {
            if (!disposed && !SlurmTaskJob.IsFinished(JobStateInfo.State)) timer.Change(PollInterval(), PollInterval());
        }
    }

    public override void StartJobAsync()
    {
        StartJob();
        OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
    }

    /// <summary>scancel of the whole array, then waits (up to a minute) until Slurm has ended every task.</summary>
    public override void StopJob() => StopJob(force: false, reason: "");

    public override void StopJob(bool force, string reason)
    {
        if (SlurmTaskJob.IsFinished(JobStateInfo.State)) return;
        SetJobState(JobState.Stopping);
        slurm.Cancel(SlurmJobId);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!AllChildrenFinished() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(500);
            Poll();
        }
        lock (sync)
        {
            timer.Change(Timeout.Infinite, Timeout.Infinite);
            statusMessage = "Stopped (scancel)";
            if (!SlurmTaskJob.IsFinished(JobStateInfo.State)) SetJobState(JobState.Stopped);
        }
    }

    public override void StopJobAsync() => StopJobAsync(force: false, reason: "");

    public override void StopJobAsync(bool force, string reason) =>
        System.Threading.Tasks.Task.Run(() =>
        {
            Exception? error = null;
            try { StopJob(force, reason); }
            catch (Exception e) when (e is SlurmException or IOException) { error = e; }
            OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
        });

    public override void SuspendJob() => throw Unsupported("Suspending");
    public override void SuspendJobAsync() => throw Unsupported("Suspending");
    public override void SuspendJob(bool force, string reason) => throw Unsupported("Suspending");
    public override void SuspendJobAsync(bool force, string reason) => throw Unsupported("Suspending");
    public override void ResumeJob() => throw Unsupported("Resuming");
    public override void ResumeJobAsync() => throw Unsupported("Resuming");
    public override void UnblockJob() => throw Unsupported("Unblocking");
    public override void UnblockJobAsync() => throw Unsupported("Unblocking");

    static NotSupportedException Unsupported(string what) =>
        new($"{what} a Slurm job is Slurm's business (scontrol suspend/resume/release); MoePS only submits, watches and cancels.");

    /// <summary>Stop-Job on one child: scancel of that array task alone.</summary>
    void CancelTask(SlurmTaskJob child)
    {
        slurm.Cancel(SlurmJobId, child.ArrayTask);
        Poll();
    }

    /// <summary>One look at squeue and the status files; the timer stops once every task has ended.</summary>
    void Poll()
    {
        lock (sync)
        {
            if (disposed) return;
            try
            {
                var statuses = SlurmTaskStatus.Read(Record, folder, slurm.Queue(SlurmJobId));
                foreach (var status in statuses) ((SlurmTaskJob)ChildJobs[status.Index]).Update(status);
                statusMessage = Summary(statuses);
                UpdateOwnState();
            }
            catch (Exception e)
            {
                // Runs on a timer thread, where an exception would end PowerShell: a slow or restarting
                // controller (or anything else) keeps the last state, and the next poll tries again.
                statusMessage = "Last poll failed: " + e.Message;
            }
            if (SlurmTaskJob.IsFinished(JobStateInfo.State)) timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    static string Summary(IReadOnlyList<SlurmTaskStatus> statuses) =>
        string.Join(", ", statuses.GroupBy(s => s.State).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));

    /// <summary>Running while any task runs or some have ended and others wait; once all have ended: Failed if any
    /// failed, else Stopped if any was cancelled, else Completed.</summary>
    void UpdateOwnState()
    {
        var states = ChildJobs.Select(c => c.JobStateInfo.State).ToList();
        JobState state;
        if (states.All(SlurmTaskJob.IsFinished))
            state = states.Contains(JobState.Failed) ? JobState.Failed
                : states.Contains(JobState.Stopped) ? JobState.Stopped : JobState.Completed;
        else if (states.Contains(JobState.Running) || states.Any(SlurmTaskJob.IsFinished))
            state = JobState.Running;
        else
            state = states.Contains(JobState.Suspended) ? JobState.Suspended : JobState.NotStarted;
        if (state == JobStateInfo.State || JobStateInfo.State == JobState.Stopping && !SlurmTaskJob.IsFinished(state)) return;
        if (state != JobState.NotStarted) PSBeginTime ??= DateTime.Now;
        if (SlurmTaskJob.IsFinished(state)) PSEndTime = DateTime.Now;
        SetJobState(state);
    }

    bool AllChildrenFinished() => ChildJobs.All(c => SlurmTaskJob.IsFinished(c.JobStateInfo.State));

    static TimeSpan PollInterval()
    {
        string? text = Environment.GetEnvironmentVariable("MOEPS_SLURM_POLL_SECONDS");
        double seconds = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0
            ? s : DefaultPollSeconds;
        return TimeSpan.FromSeconds(seconds);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (sync)
            {
                disposed = true;
                timer.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
