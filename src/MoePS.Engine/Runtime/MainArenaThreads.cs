using System.Collections.Concurrent;
using System.Threading.Channels;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Worker threads whose native allocations come from glibc's main malloc arena, for torch work started from
/// threads that are not the process's main thread (a PowerShell pipeline, a thread job, a Slurm task's pwsh).
/// glibc gives such threads arenas of their own, made of 64 MB heaps: a tensor larger than that is always a fresh
/// mmap, faulted in page by page and unmapped when freed, whatever <see cref="NativeMemory.Tune"/> says. A
/// mixture's per-batch edge tensors are hundreds of MB, so through the cmdlets a MoE-18 epoch took 4–13× as long
/// as on the main thread. The main arena grows one contiguous heap and keeps freed blocks for reuse. No API picks
/// a thread's arena, but a new thread is handed an existing one once glibc's arena limit is reached, in turn, so
/// this starts threads until one lands on the main arena (<see cref="NativeMemory.CurrentThreadUsesMainArena"/>)
/// and keeps it for later work. Where that cannot be told (another libc) any worker thread does.
/// </summary>
public static class MainArenaThreads
{
    /// <summary>New threads tried before giving up; glibc allows 8 arenas per core, and one in turn is the main one.</summary>
    const int MaxAttempts = 256;

    static readonly ConcurrentBag<Worker> Idle = new();

    /// <summary>Whether the workers handed out so far all allocate from the main arena (false once one could not).</summary>
    public static bool AllOnMainArena { get; private set; } = true;

    /// <summary>Runs <paramref name="work"/> on a main-arena worker thread; the task ends with its result or exception.</summary>
    public static Task<T> Start<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = Idle.TryTake(out var idle) ? idle : Hire();
        worker.Post(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
            finally { Idle.Add(worker); }
        });
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on a main-arena worker thread and waits for it; its exception is rethrown as it was.</summary>
    public static T Run<T>(Func<T> work) => Start(work).GetAwaiter().GetResult();

    static Worker Hire()
    {
        var rejected = new List<Worker>();
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var candidate = new Worker();
                if (candidate.OnMainArena != false) return candidate;
                rejected.Add(candidate); // kept alive until the search ends: a thread that exits hands its arena to the next new one
            }
            AllOnMainArena = false;
            var last = rejected[^1];
            rejected.RemoveAt(rejected.Count - 1);
            return last;
        }
        finally
        {
            foreach (var worker in rejected) worker.Retire();
        }
    }

    sealed class Worker
    {
        readonly Channel<Action> queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });

        public Worker()
        {
            using var probed = new ManualResetEventSlim();
            var thread = new Thread(() =>
            {
                OnMainArena = NativeMemory.CurrentThreadUsesMainArena();
                probed.Set();
                var items = queue.Reader;
                while (items.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    while (items.TryRead(out var item)) item();
            })
            { IsBackground = true, Name = "MoePS torch worker" };
            thread.Start();
            probed.Wait();
        }

        /// <summary>Whether this thread allocates from glibc's main arena; null where that cannot be told.</summary>
        public bool? OnMainArena { get; private set; }

        public void Post(Action item) => queue.Writer.TryWrite(item);

        public void Retire() => queue.Writer.Complete();
    }
}
