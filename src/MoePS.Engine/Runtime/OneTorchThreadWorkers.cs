using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Independent pieces of small tensor work side by side on several threads, each of them with one torch thread.
/// A crystal of a few atoms gains nothing from two torch threads splitting each of its operations (they spend the time
/// meeting at every step), while two crystals at once keep two cores busy. Each result depends only on its item, never
/// on how many threads the process has: libtorch splits a sum over its threads, which adds in another order.
/// </summary>
internal static class OneTorchThreadWorkers
{
    /// <summary>
    /// <paramref name="compute"/> of each item, in the items' order, on min(<paramref name="workers"/>, items) threads
    /// that take the next item as they finish one. The first exception stops the workers and is rethrown.
    /// </summary>
    public static TResult[] Map<TItem, TResult>(IReadOnlyList<TItem> items, int workers, Func<TItem, TResult> compute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var results = new TResult[items.Count];
        int next = -1;
        ExceptionDispatchInfo? failure = null;

        void Work()
        {
            try
            {
                // Per thread for OpenMP and MKL (libtorch also stores it as the default for threads it starts later;
                // the caller's value is put back below).
                set_num_threads(1);
                for (int i; Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < items.Count;)
                    results[i] = compute(items[i]);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }

        int callersThreads = get_num_threads();
        var threads = new List<Thread>();
        try
        {
            for (int w = 0; w < Math.Min(workers, items.Count); w++)
            {
                var thread = new Thread(Work) { IsBackground = true, Name = $"MoePS worker {w}" };
                thread.Start();
                threads.Add(thread);
            }
        }
        finally
        {
            foreach (var thread in threads) thread.Join();
            set_num_threads(callersThreads);
        }
        failure?.Throw();
        return results;
    }
}
