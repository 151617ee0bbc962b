using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MoePS.Bench;

/// <summary>
/// What one page fault costs on this machine, apart from any MoePS code: the microseconds per 4 KiB page to write the
/// first byte of each page of a fresh anonymous mapping. "fresh": memory this process never had (in a virtual machine
/// the host may have to back it first); "recycled": memory the kernel got back from this process a moment before;
/// "resident": pages already faulted in. Epoch benchmarks count each epoch's faults (<see cref="EpochSeries.Quiet"/>);
/// this says what those faults cost here, so how much of an epoch-time spread is the machine's.
/// </summary>
public sealed class FirstTouchBenchmark : IBenchmark
{
    const int Rounds = 5;
    const long BytesPerRound = 256L << 20, Page = 4096;
    const int ProtReadWrite = 0x3, MapPrivateAnonymous = 0x22;

    public string Name => "machine.first_touch";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string load = MachineState.LoadAverages();
        var fresh = new List<double>();
        var resident = new List<double>();
        var kept = new List<IntPtr>();
        for (int r = 0; r < Rounds; r++)
        {
            IntPtr block = Map();
            kept.Add(block);
            fresh.Add(MicrosecondsPerPage(block));
            resident.Add(MicrosecondsPerPage(block));
        }
        var recycled = new List<double>();
        foreach (var block in kept) Unmap(block);
        for (int r = 0; r < Rounds; r++)
        {
            IntPtr block = Map();
            recycled.Add(MicrosecondsPerPage(block));
            Unmap(block);
        }
        string details = $"{Rounds} rounds of {BytesPerRound >> 20} MiB; load average at start {load}, at end {MachineState.LoadAverages()}; " +
            $"fresh [{Join(fresh)}], recycled [{Join(recycled)}], resident [{Join(resident)}] us/page";
        yield return new BenchResult($"{Name}.fresh", Medians.Of(fresh), "us/page", details);
        yield return new BenchResult($"{Name}.recycled", Medians.Of(recycled), "us/page", details);
        yield return new BenchResult($"{Name}.resident", Medians.Of(resident), "us/page", details);
    }

    static double MicrosecondsPerPage(IntPtr block)
    {
        var clock = Stopwatch.StartNew();
        for (long offset = 0; offset < BytesPerRound; offset += Page) Marshal.WriteByte(block, (int)offset, 1);
        return clock.Elapsed.TotalMicroseconds / (BytesPerRound / Page);
    }

    static IntPtr Map()
    {
        IntPtr block = mmap(IntPtr.Zero, (nuint)BytesPerRound, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        return block == new IntPtr(-1) ? throw new InvalidOperationException($"mmap failed (errno {Marshal.GetLastPInvokeError()}).") : block;
    }

    static void Unmap(IntPtr block)
    {
        if (munmap(block, (nuint)BytesPerRound) != 0) throw new InvalidOperationException($"munmap failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", SetLastError = true)]
    static extern int munmap(IntPtr address, nuint length);
}
