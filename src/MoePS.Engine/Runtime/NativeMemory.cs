using System.Globalization;
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
/// The heap is also advised onto transparent huge pages (<see cref="AdviseHugePages"/>): the heap still grows now and then
/// when a batch's tensors do not fit its free chunks, and each new 4 kB page costs a fault (10–14 µs here, bench
/// machine.first_touch), 10,000–50,000 of them in the epoch where it grows, which made MoE-18's epochs swing.
/// Set $MOEPS_MALLOC_TUNING=0 to keep glibc's defaults. Does nothing where libc is not glibc.
/// </summary>
public static unsafe class NativeMemory
{
    public const string TuningVariable = "MOEPS_MALLOC_TUNING";
    const int TrimThreshold = -1, TopPad = -2, MmapMax = -4; // glibc's M_* parameters
    const int MadviseHugePage = 14;                          // Linux's MADV_HUGEPAGE
    const int NeverTrim = -1;
    internal const int HeapGrowthPadBytes = 256 << 20;
    const nuint NonMainArenaBit = 0x4;

    static readonly IntPtr Libc = NativeLibrary.TryLoad("libc.so.6", out var handle) ? handle : IntPtr.Zero;
    static readonly object Gate = new();
    static readonly HeapTrimPolicy Policy = new();

    /// <summary>Heap trims so far in this process (for benchmarks).</summary>
    public static int TrimCount => trimCount;
    static int trimCount;

    /// <summary>The program break (the heap's end) when <see cref="AdviseHugePages"/> last ran.</summary>
    static nint advisedBreak;

    /// <summary>Whether the settings are in force (glibc found and not disabled).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Applies the settings once; safe to call again.</summary>
    public static void Tune()
    {
        if (Tuned || Environment.GetEnvironmentVariable(TuningVariable) == "0") return;
        if (!TryGet("mallopt", out var address)) return;
        var mallopt = (delegate* unmanaged<int, int, int>)address;
        Tuned = mallopt(MmapMax, 0) == 1 & mallopt(TrimThreshold, NeverTrim) == 1 & mallopt(TopPad, HeapGrowthPadBytes) == 1;
        if (Tuned) AdviseHugePages();
    }

    /// <summary>
    /// Advises every part of the heap onto transparent huge pages (madvise MADV_HUGEPAGE), so that the pages it faults in
    /// from then on come 2 MB at a time: 512 faults fewer for each. The kernel does so where its THP setting is "madvise"
    /// (Debian's default) or "always"; with "never" this changes nothing. glibc grows the heap with brk, and each growth is a
    /// new region without the advice, so the trainer repeats it after every epoch that moved the heap's end
    /// (<see cref="ReleaseIfGrown"/>). Each growth takes 256 MB more address space than it needs (M_TOP_PAD; untouched pages
    /// cost no memory), and between epochs the heap keeps at least half that free at its top (<see cref="KeepHeadroom"/>),
    /// so the next epochs' growth falls in advised memory: MoE-18 on jarvis_2d_exfoliation faulted in 3,400–6,000 pages per
    /// 3 runs × 8 epochs instead of 16,000–25,000 with a 64 MB pad and 21,000–61,000 without the advice (bench moe.k18,
    /// 2026-12-06). Returns how many heap regions it advised. (glibc's own tunable glibc.malloc.hugetlb=1 advises at each
    /// growth, but only from the environment at process start, which a PowerShell module does not control.)
    /// </summary>
    public static int AdviseHugePages()
    {
        if (!TryGet("madvise", out var address)) return 0;
        var madvise = (delegate* unmanaged<nint, nuint, int, int>)address;
        advisedBreak = ProgramBreak();
        int advised = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                if (!line.EndsWith("[heap]", StringComparison.Ordinal)) continue;
                var range = line.AsSpan(0, line.IndexOf(' '));
                int dash = range.IndexOf('-');
                long start = long.Parse(range[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                long end = long.Parse(range[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (madvise((nint)start, (nuint)(end - start), MadviseHugePage) == 0) advised++;
            }
        }
        catch (IOException)
        {
        }
        return advised;
    }

    /// <summary>
    /// <see cref="AdviseHugePages"/> when the heap has grown or shrunk since it last ran: reading /proc/self/maps costs about
    /// 1 ms in a PowerShell process (965 mappings), a quarter of an STL epoch's fixed cost, and most epochs do not grow it.
    /// </summary>
    static void AdviseHugePagesIfMoved()
    {
        if (ProgramBreak() != advisedBreak) AdviseHugePages();
    }

    /// <summary>glibc's current program break, sbrk(0) (no system call once the heap exists); 0 where libc is not glibc.</summary>
    static nint ProgramBreak() => TryGet("sbrk", out var sbrk) ? ((delegate* unmanaged<nint, nint>)sbrk)(0) : 0;

    /// <summary>
    /// Grows the heap now, between epochs, when less than half a top pad is left free at its top (glibc's mallinfo2
    /// keepcost), by allocating and freeing one pad's worth: brk moves, nothing is touched, and the next
    /// <see cref="AdviseHugePages"/> covers the new room before a training step needs it. Otherwise the step that outgrows
    /// the top would fault its new memory in 4 kB at a time, unadvised.
    /// </summary>
    static void KeepHeadroom()
    {
        if (HeapHeadroomBytes() >= HeapGrowthPadBytes / 2 || !TryGet("malloc", out var malloc) || !TryGet("free", out var free)) return;
        void* room = ((delegate* unmanaged<nuint, void*>)malloc)(HeapGrowthPadBytes);
        if (room != null) ((delegate* unmanaged<void*, void>)free)(room);
    }

    /// <summary>Free bytes at the top of glibc's main heap (mallinfo2's keepcost); 0 where libc is not glibc.</summary>
    internal static long HeapHeadroomBytes() =>
        TryGet("mallinfo2", out var info) ? (long)((delegate* unmanaged<MallInfo2>)info)().KeepCost : 0;

    /// <summary>glibc's struct mallinfo2, field for field; only the main heap's free top (keepcost) is read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    readonly struct MallInfo2
    {
        readonly nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks;
        public readonly nuint KeepCost;
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
    /// calls it after each epoch and Release at its end), after advising the heap's new growth onto huge pages
    /// (<see cref="AdviseHugePages"/>). True when it trimmed. Costs one read of /proc/self/statm, and of /proc/self/maps when
    /// the heap has moved.
    /// </summary>
    public static bool ReleaseIfGrown()
    {
        if (!Tuned) return false;
        KeepHeadroom();
        AdviseHugePagesIfMoved();
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
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
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
