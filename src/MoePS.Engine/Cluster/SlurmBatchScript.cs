using System.Text;

namespace MoePS.Engine.Cluster;

/// <summary>
/// The bash script each array task runs. It starts the work in the background and waits for it,
/// so that signals reach it at once: SIGTERM (scancel, preemption) is passed on; with
/// <see cref="SlurmOptions.CheckpointSignalLead"/>, SIGUSR1 is passed on as SIGTERM and, when the
/// work answers <see cref="CheckpointedExitCode"/> (checkpoint saved), the script requeues the
/// task. Otherwise it writes the work's exit status to status/JOB_TASK.exit, which is how MoePS
/// tells a finished task's outcome without Slurm's accounting database.
/// </summary>
public static class SlurmBatchScript
{
    /// <summary>The work's exit status after it saved a checkpoint on request: requeue me.</summary>
    public const int CheckpointedExitCode = 75;

    /// <summary>The work's exit status when SIGTERM stopped it (128 + 15, as a shell reports it).</summary>
    public const int TerminatedExitCode = 143;

    /// <param name="command">The work: program and arguments, run as given (no shell expansion).</param>
    /// <param name="folder">Where the exit statuses go.</param>
    /// <param name="requeueOnSignal">Pass SIGUSR1 on and requeue after a checkpoint.</param>
    /// <param name="description">A comment line saying what the job is.</param>
    public static string Create(IReadOnlyList<string> command, SlurmJobFolder folder, bool requeueOnSignal, string description)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(folder);
        if (command.Count == 0) throw new ArgumentException("The command is empty.", nameof(command));
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append("# ").Append(description.ReplaceLineEndings(" ")).Append('\n');
        s.Append("# Written by MoePS; each task of the array runs the work for its index (SLURM_ARRAY_TASK_ID).\n");
        s.Append("status_folder=").Append(Quote(folder.StatusFolder)).Append('\n');
        s.Append("task=\"${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}_${SLURM_ARRAY_TASK_ID:-0}\"\n");
        s.Append("echo \"MoePS: task $task started on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ) (restart ${SLURM_RESTART_COUNT:-0})\"\n");
        s.Append("requeue=0\nchild=\n");
        // Traps first: a signal that comes before the work has started must not kill the script unnoticed.
        s.Append("trap '[ -n \"$child\" ] && kill -TERM \"$child\" 2>/dev/null' TERM\n");
        if (requeueOnSignal) s.Append("trap 'requeue=1; [ -n \"$child\" ] && kill -TERM \"$child\" 2>/dev/null' USR1\n");
        s.Append(string.Join(' ', command.Select(Quote))).Append(" &\n");
        s.Append("child=$!\n");
        // wait returns early when a trapped signal arrives; wait again until the work has exited.
        s.Append("while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; done\n");
        s.Append("wait \"$child\"; code=$?\n");
        if (requeueOnSignal)
        {
            s.Append("if [ \"$requeue\" = 1 ] && [ \"$code\" = ").Append(CheckpointedExitCode).Append(" ]; then\n");
            s.Append("    echo \"MoePS: checkpoint saved; requeueing job $SLURM_JOB_ID\"\n");
            s.Append("    scontrol requeue \"$SLURM_JOB_ID\" && exit 0\n");
            s.Append("fi\n");
        }
        s.Append("printf '%s\\n' \"$code\" > \"$status_folder/$task.exit.tmp\" && mv -f \"$status_folder/$task.exit.tmp\" \"$status_folder/$task.exit\"\n");
        s.Append("exit \"$code\"\n");
        return s.ToString();
    }

    /// <summary>A word for bash: single-quoted, with embedded single quotes closed, escaped and reopened.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
