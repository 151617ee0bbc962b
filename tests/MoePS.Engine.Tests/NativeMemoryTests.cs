using System.Text.RegularExpressions;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Models;
using TorchSharp;
using Xunit;

namespace MoePS.Engine.Tests;

[Collection(EnvironmentCollection.Name)]   // the heap is the process's: no other test may allocate from it meanwhile
public class NativeMemoryTests
{
    [Fact]
    public void TheTunedHeapIsAdvisedOntoHugePages()
    {
        TorchRuntime.EnsureLoaded();
        Assert.True(NativeMemory.Tuned);   // glibc here, and the tests do not turn the tuning off
        Assert.True(NativeMemory.AdviseHugePages() >= 1);
        Assert.Contains(HeapRegionFlags(), flags => flags.Split(' ').Contains("hg"));   // the kernel's mark of MADV_HUGEPAGE
    }

    static readonly Regex Region = new("^[0-9a-f]+-[0-9a-f]+ ");

    [Fact]
    public void AfterAnEpochTheHeapHasAtLeastHalfAPadFreeAtItsTop()
    {
        TorchRuntime.EnsureLoaded();
        MainArenaThreads.Run(() =>
        {
            // Take most of the heap's free top, as a growing training step would (mmap is off, so tensors come from the heap;
            // a block may come from a free chunk lower down instead, hence the loop; untouched, they cost no memory).
            var taken = new List<torch.Tensor>();
            for (int i = 0; i < 64 && NativeMemory.HeapHeadroomBytes() >= NativeMemory.HeapGrowthPadBytes / 2; i++)
                taken.Add(torch.empty(Math.Max(NativeMemory.HeapHeadroomBytes() - (1 << 20), 1 << 20) / sizeof(float)));
            Assert.True(NativeMemory.HeapHeadroomBytes() < NativeMemory.HeapGrowthPadBytes / 2);
            NativeMemory.ReleaseIfGrown();
            Assert.True(NativeMemory.HeapHeadroomBytes() >= NativeMemory.HeapGrowthPadBytes / 2);
            taken.ForEach(t => t.Dispose());
            return true;
        });
    }

    /// <summary>The VmFlags line of each [heap] region in /proc/self/smaps.</summary>
    static List<string> HeapRegionFlags()
    {
        var flags = new List<string>();
        bool inHeap = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (Region.IsMatch(line)) inHeap = line.EndsWith("[heap]", StringComparison.Ordinal);
            else if (inHeap && line.StartsWith("VmFlags:", StringComparison.Ordinal)) flags.Add(line);
        }
        return flags;
    }
}
