using System.Runtime.InteropServices;

namespace MoePS.Engine.Runtime;

/// <summary>
/// glibc malloc settings for libtorch on the CPU. A CGCNN batch of 250 crystals makes tensors of
/// ~100 MB ([atoms × 12 neighbours, 128] floats); glibc serves every allocation above 32 MB with a
/// fresh mmap and returns it on free, so each such tensor page-faults its memory in again — that
/// made a training epoch about 10× slower than the arithmetic. With mmap off and a high trim
/// threshold, freed blocks stay in the heap and are reused; <see cref="Release"/> hands the heap's
/// free memory back to the system after a run. Set $MOEPS_MALLOC_TUNING=0 to keep glibc's defaults.
/// Does nothing where libc is not glibc.
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

    /// <summary>Returns the heap's free memory to the system (glibc malloc_trim), e.g. after a training run.</summary>
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
