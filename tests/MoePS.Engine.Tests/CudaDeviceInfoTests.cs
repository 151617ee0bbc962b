using System.Runtime.InteropServices;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests;

public class CudaDeviceInfoTests
{
    const int NoMachineHasThisDevice = 4096;

    [Fact]
    public void SaysTheDriverIsMissingOrReportsTheDevice()
    {
        if (!DriverLibraryLoads())
        {
            // A machine without the NVIDIA driver (CI, the development machine): the documented answer for any ordinal.
            (string?, long?, string?) noDriver = (null, null, "the NVIDIA driver library libcuda.so.1 could not be loaded");
            Assert.Equal(noDriver, CudaDeviceInfo.Query(0));
            Assert.Equal(noDriver, CudaDeviceInfo.Query(NoMachineHasThisDevice));
            return;
        }
        var (name, memory, problem) = CudaDeviceInfo.Query(0);
        Assert.Null(problem);
        Assert.False(string.IsNullOrWhiteSpace(name));
        Assert.InRange(memory!.Value, 1L << 30, 1L << 44); // every GPU libtorch supports has between 1 GiB and 16 TiB
        Assert.Equal(((string?)null, (long?)null, $"cuDeviceGet({NoMachineHasThisDevice}) failed with CUresult 101"),
            CudaDeviceInfo.Query(NoMachineHasThisDevice));
    }

    /// <summary>Whether the loader finds libcuda, as CudaDeviceInfo.Query looks for it.</summary>
    static bool DriverLibraryLoads()
    {
        foreach (string name in new[] { "libcuda.so.1", "libcuda.so" })
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        return false;
    }
}
