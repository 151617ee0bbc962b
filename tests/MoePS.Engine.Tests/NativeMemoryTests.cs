using System.Text.RegularExpressions;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests;

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
