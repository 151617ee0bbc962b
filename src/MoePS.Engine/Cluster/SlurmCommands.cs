using System.Diagnostics;
using System.Globalization;

namespace MoePS.Engine.Cluster;

/// <summary>
/// Slurm's client commands (sbatch, squeue, scancel, scontrol) run as child processes. Which cluster
/// they talk to is Slurm's business: SLURM_CONF and the rest of the environment are passed on as they are.
/// </summary>
public sealed class SlurmCommands
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    SlurmCommands(string folder) => Folder = folder;

    /// <summary>The folder sbatch was found in.</summary>
    public string Folder { get; }

    /// <summary>The commands from the folder on the PATH that holds sbatch; a clear error when none does.</summary>
    public static SlurmCommands Locate()
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, "sbatch"))) return new SlurmCommands(folder);
        }
        throw new SlurmNotFoundException(
            "-Scheduler Slurm needs Slurm's client commands (sbatch, squeue, scancel), and sbatch is not on the PATH. " +
            "Run this on a cluster's login node (or load its Slurm module), or leave out -Scheduler to run here.");
    }

    /// <summary>Submits a batch script; returns the job id.</summary>
    public string Submit(IEnumerable<string> options, string script)
    {
        var arguments = new List<string> { "--parsable" };
        arguments.AddRange(options);
        arguments.Add(script);
        string output = Run("sbatch", arguments).Trim();
        // --parsable prints "jobid" or "jobid;cluster".
        string id = output.Split(';')[0].Trim();
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new SlurmException($"sbatch answered '{output}' instead of a job id.");
        return id;
    }

    /// <summary>
    /// The queue's lines for a job (every task of an array, finished ones too while Slurm keeps them);
    /// none once Slurm has forgotten the job.
    /// </summary>
    public IReadOnlyList<SlurmQueueEntry> Queue(string jobId)
    {
        var result = Execute("squeue", new[] { "--array", "--noheader", "--states=all", $"--jobs={jobId}", $"--format={SlurmQueueEntry.Format}" });
        if (result.ExitCode != 0)
        {
            // A job the controller has purged is an error to squeue; to us it is simply no longer queued.
            if (result.Error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return Array.Empty<SlurmQueueEntry>();
            throw Failure("squeue", result);
        }
        return SlurmQueueEntry.Parse(result.Output, jobId);
    }

    /// <summary>Cancels a whole job, or one task of an array.</summary>
    public void Cancel(string jobId, int? arrayTask = null) =>
        Run("scancel", new[] { arrayTask is int t ? $"{jobId}_{t.ToString(CultureInfo.InvariantCulture)}" : jobId });

    /// <summary>Puts a job back in the queue (it must have been submitted with --requeue).</summary>
    public void Requeue(string jobId) => Run("scontrol", new[] { "requeue", jobId });

    string Run(string command, IEnumerable<string> arguments)
    {
        var result = Execute(command, arguments);
        if (result.ExitCode != 0) throw Failure(command, result);
        return result.Output;
    }

    static SlurmException Failure(string command, ProcessResult result) =>
        new($"{command} failed (exit status {result.ExitCode}): {(result.Error.Trim().Length > 0 ? result.Error.Trim() : result.Output.Trim())}");

    ProcessResult Execute(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Folder, command))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new SlurmException($"{command} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new SlurmException($"{command} did not answer within {Timeout.TotalSeconds:F0} s; is the Slurm controller reachable?");
        }
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    readonly record struct ProcessResult(int ExitCode, string Output, string Error);
}
