using System.Collections.Concurrent;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Training;

/// <summary>
/// Runs long work on a worker thread (one of <see cref="MainArenaThreads"/>, for libtorch's memory) while the calling thread handles the work's progress
/// reports, in order, as they come — for hosts such as PowerShell whose output calls must come
/// from one thread. <see cref="Cancel"/> may be called from any thread.
/// </summary>
public sealed class ProgressPump<TReport> : IDisposable
{
    readonly CancellationTokenSource cancellation = new();

    /// <summary>Asks the work to stop (through its cancellation token).</summary>
    public void Cancel() => cancellation.Cancel();

    /// <summary>
    /// Starts <paramref name="work"/> on a worker thread and calls <paramref name="onReport"/> on this
    /// thread for each report until the work ends; returns its result or rethrows its exception.
    /// If <paramref name="onReport"/> throws, the work is cancelled and awaited before the exception goes on.
    /// </summary>
    public TResult Run<TResult>(Func<IProgress<TReport>, CancellationToken, TResult> work, Action<TReport> onReport)
    {
        using var queue = new BlockingCollection<TReport>();
        var worker = MainArenaThreads.Start(() =>
        {
            try { return work(new QueueProgress(queue), cancellation.Token); }
            finally { queue.CompleteAdding(); }
        });

        try
        {
            foreach (var report in queue.GetConsumingEnumerable()) onReport(report);
        }
        catch
        {
            cancellation.Cancel();
            try { worker.Wait(); }
            catch (AggregateException) { } // the handler's exception is the one to report
            throw;
        }
        return worker.GetAwaiter().GetResult();
    }

    public void Dispose() => cancellation.Dispose();

    sealed class QueueProgress(BlockingCollection<TReport> queue) : IProgress<TReport>
    {
        public void Report(TReport value) => queue.Add(value);
    }
}
