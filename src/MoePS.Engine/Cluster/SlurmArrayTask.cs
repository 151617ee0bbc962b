using System.Globalization;
using System.Runtime.InteropServices;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;

namespace MoePS.Engine.Cluster;

/// <summary>
/// What every array task's work shares: its index, a log on standard output with UTC times, SIGTERM
/// (scancel, preemption, or the batch script passing on the checkpoint signal) as cancellation,
/// and exit statuses the batch script understands. Errors end as one "MoePS error:" line, the last
/// of the log, which MoePS shows as the failed task's error.
/// </summary>
public static class SlurmArrayTask
{
    /// <summary>This process's array index (SLURM_ARRAY_TASK_ID).</summary>
    public static int Index
    {
        get
        {
            string? text = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                ? index
                : throw new SlurmException($"SLURM_ARRAY_TASK_ID is '{text}': this runs only as a task of a Slurm job array.");
        }
    }

    /// <summary>What this array task works on: item <paramref name="index"/> of what the spec lists (its runs, its shards).</summary>
    public static T ItemOf<T>(IReadOnlyList<T> items, int index, string specPath, string noun)
    {
        ArgumentNullException.ThrowIfNull(items);
        return index < items.Count ? items[index] : throw new SlurmException($"Array task {index} has no {noun}: {specPath} lists {items.Count}.");
    }

    /// <summary>One line of the task's log, with the time (UTC, milliseconds).</summary>
    public static void Log(string line)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {line}"));
        Console.Out.Flush();
    }

    /// <summary>
    /// Runs <paramref name="work"/> for this task's index and returns the exit status for the batch
    /// script: the work's own, <see cref="SlurmBatchScript.TerminatedExitCode"/> when SIGTERM cancelled
    /// it, 1 after an error.
    /// </summary>
    public static int Run(Func<int, CancellationToken, int> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var cancellation = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // finish cleanly (checkpoint, no half-written result) instead of dying
            Log("SIGTERM: stopping");
            cancellation.Cancel();
        });
        try
        {
            int index = Index;
            return MainArenaThreads.Run(() => work(index, cancellation.Token)); // pwsh runs this on a pipeline thread
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Log("stopped before the work was finished");
            return SlurmBatchScript.TerminatedExitCode;
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine("MoePS error: " + Describe(e));
            Console.Error.Flush();
            return 1;
        }
    }

    /// <summary>The message, and the inner exceptions' where they add something.</summary>
    static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x != null; x = x.InnerException)
            if (!parts.Any(p => p.Contains(x.Message, StringComparison.Ordinal))) parts.Add(x.Message);
        return string.Join(" ", parts);
    }

    /// <summary>
    /// Writes each epoch to the log as it ends (on the training thread: no reordering, and the
    /// epoch's checkpoint is saved). TEST HOOK, unset in real jobs: with $MOEPS_TEST_HOLD_AFTER_EPOCH=N
    /// the training holds after epoch N until SIGTERM cancels the task (at most two minutes), so that
    /// a test's signal finds the training in progress however fast or slow the machine trains.
    /// </summary>
    public sealed class EpochLog(CancellationToken cancellation) : IProgress<EpochReport>
    {
        static readonly TimeSpan HoldLimit = TimeSpan.FromMinutes(2);
        static readonly int? HoldAfterEpoch = int.TryParse(Environment.GetEnvironmentVariable("MOEPS_TEST_HOLD_AFTER_EPOCH"),
            NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) ? epoch : null;

        public void Report(EpochReport value)
        {
            Log(value.ToString());
            if (value.Epoch == HoldAfterEpoch) cancellation.WaitHandle.WaitOne(HoldLimit);
        }
    }
}
