using System.Runtime.InteropServices;

namespace MoePS.Engine.Runtime;

/// <summary>
/// glibc malloc settings for libtorch on the CPU. A CGCNN batch of 250 crystals makes tensors of
/// ~100 MB ([atoms × 12 neighbours, 128] floats); glibc serves every allocation above 32 MB with a
/// fresh mmap and returns it on free, so each such tensor page-faults its memory in again — that
/// made a training epoch about 10× slower than the arithmetic. With mmap off and glibc's own trimming
/// off, freed blocks stay in the heap and are reused within an epoch. (A 1 GB trim threshold was not
/// enough: a MoE-18 step on expt_eform frees several GB at once, glibc gave it back at every free and
/// faulted it in again, 3.2 M minor faults and ~5× the epoch time.) The heap then holds
/// free memory that fragments and slowly grows (only ~80 MB is in use between epochs, but the heap
/// reached 1.3–1.9 GB untrimmed), so the trainer calls <see cref="ReleaseIfGrown"/> after each epoch.
/// A trim costs 15–60 ms and makes the next epoch fault its working set back in, so it trims only when
/// resident memory has grown by a tenth over the working set (<see cref="HeapTrimPolicy"/>; bench:
/// epoch.overhead, cgcnn.rss, moe.k18).
/// Set $MOEPS_MALLOC_TUNING=0 to keep glibc's defaults. Does nothing where libc is not glibc.
/// </summary>
public static unsafe class NativeMemory
{
    public const string TuningVariable = "MOEPS_MALLOC_TUNING";
    const int TrimThreshold = -1, TopPad = -2, MmapMax = -4; // glibc's M_* parameters
    const int NeverTrim = -1, HeapGrowthPadBytes = 64 << 20;
    const nuint NonMainArenaBit = 0x4;

    static readonly IntPtr Libc = NativeLibrary.TryLoad("libc.so.6", out var handle) ? handle : IntPtr.Zero;
    static readonly object Gate = new();
    static readonly HeapTrimPolicy Policy = new();

    /// <summary>Heap trims so far in this process (for benchmarks).</summary>
    public static int TrimCount => trimCount;
    static int trimCount;

    /// <summary>Whether the settings are in force (glibc found and not disabled).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Applies the settings once; safe to call again.</summary>
    public static void Tune()
    {
        if (Tuned || Environment.GetEnvironmentVariable(TuningVariable) == "0") return;
        if (!TryGet("mallopt", out var address)) return;
        var mallopt = (delegate* unmanaged<int, int, int>)address;
        Tuned = mallopt(MmapMax, 0) == 1 & mallopt(TrimThreshold, NeverTrim) == 1 & mallopt(TopPad, HeapGrowthPadBytes) == 1;
    }

    /// <summary>Returns the heap's free memory to the system (glibc malloc_trim), e.g. at the end of a training run; forgets the working set.</summary>
    public static void Release()
    {
        if (!Tuned) return;
        Trim();
        lock (Gate) Policy.Reset();
    }

    /// <summary>
    /// Trims the heap when <see cref="HeapTrimPolicy"/> says resident memory has outgrown the working set (a training run
    /// calls it after each epoch and Release at its end). True when it trimmed. Costs one read of /proc/self/statm.
    /// </summary>
    public static bool ReleaseIfGrown()
    {
        if (!Tuned) return false;
        long resident = ResidentBytes();
        lock (Gate)
            if (!Policy.AfterEpoch(resident)) return false;
        Trim();
        return true;
    }

    static void Trim()
    {
        if (!TryGet("malloc_trim", out var address)) return;
        ((delegate* unmanaged<nuint, int>)address)(0);
        Interlocked.Increment(ref trimCount);
    }

    /// <summary>
    /// Whether the calling thread's malloc arena is glibc's main one (a chunk from another arena has the NON_MAIN_ARENA
    /// bit, 0x4, in the size word before it); null where libc is not glibc. See <see cref="MainArenaThreads"/>.
    /// </summary>
    public static bool? CurrentThreadUsesMainArena()
    {
        if (!TryGet("malloc", out var malloc) || !TryGet("free", out var free)) return null;
        byte* chunk = ((delegate* unmanaged<nuint, byte*>)malloc)(64);
        if (chunk == null) return null;
        nuint sizeWord = *((nuint*)chunk - 1);
        ((delegate* unmanaged<byte*, void>)free)(chunk);
        return (sizeWord & NonMainArenaBit) == 0;
    }

    /// <summary>The process's resident memory in bytes (/proc/self/statm), or 0 where there is none.</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    static bool TryGet(string name, out IntPtr address)
    {
        address = IntPtr.Zero;
        return Libc != IntPtr.Zero && NativeLibrary.TryGetExport(Libc, name, out address);
    }
}
