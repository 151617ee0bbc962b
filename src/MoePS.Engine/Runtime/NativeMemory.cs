using System.Runtime.InteropServices;

namespace MoePS.Engine.Runtime;

/// <summary>
/// glibc malloc settings for libtorch on the CPU. A CGCNN batch of 250 crystals makes tensors of
/// ~100 MB ([atoms × 12 neighbours, 128] floats); glibc serves every allocation above 32 MB with a
/// fresh mmap and returns it on free, so each such tensor page-faults its memory in again — that
/// made a training epoch about 10× slower than the arithmetic. With mmap off and a high trim
/// threshold, freed blocks stay in the heap and are reused within an epoch. The heap then holds
/// free memory that fragments and slowly grows (only ~80 MB is in use between epochs, but the heap
/// reached 1.3–1.9 GB), so the trainer calls <see cref="Release"/> after each epoch: resident memory
/// stays flat at the cost of faulting one epoch's working set back in (measured on 2 cores: an
/// expt_eform epoch 0.6 → 0.8 s, a jarvis_2d_exfoliation epoch 0.1 → 0.25 s; without the tuning
/// an expt_eform epoch took 7–13 s).
/// Set $MOEPS_MALLOC_TUNING=0 to keep glibc's defaults. Does nothing where libc is not glibc.
/// </summary>
public static unsafe class NativeMemory
{
    public const string TuningVariable = "MOEPS_MALLOC_TUNING";
    const int TrimThreshold = -1, TopPad = -2, MmapMax = -4; // glibc's M_* parameters
    const int KeepFreeBytes = 1 << 30, HeapGrowthPadBytes = 64 << 20;

    static readonly IntPtr Libc = NativeLibrary.TryLoad("libc.so.6", out var handle) ? handle : IntPtr.Zero;

    /// <summary>Whether the settings are in force (glibc found and not disabled).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Applies the settings once; safe to call again.</summary>
    public static void Tune()
    {
        if (Tuned || Environment.GetEnvironmentVariable(TuningVariable) == "0") return;
        if (!TryGet("mallopt", out var address)) return;
        var mallopt = (delegate* unmanaged<int, int, int>)address;
        Tuned = mallopt(MmapMax, 0) == 1 & mallopt(TrimThreshold, KeepFreeBytes) == 1 & mallopt(TopPad, HeapGrowthPadBytes) == 1;
    }

    /// <summary>Returns the heap's free memory to the system (glibc malloc_trim), e.g. after each training epoch.</summary>
    public static void Release()
    {
        if (Tuned && TryGet("malloc_trim", out var address)) ((delegate* unmanaged<nuint, int>)address)(0);
    }

    static bool TryGet(string name, out IntPtr address)
    {
        address = IntPtr.Zero;
        return Libc != IntPtr.Zero && NativeLibrary.TryGetExport(Libc, name, out address);
    }
}
