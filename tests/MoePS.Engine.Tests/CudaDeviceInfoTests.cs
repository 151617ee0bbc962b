using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests;

public class CudaDeviceInfoTests
{
    [Fact]
    public void ReportsANameAndMemoryOrSaysWhyNot()
    {
        var (name, memory, problem) = CudaDeviceInfo.Query(0);
        if (problem == null)
        {
            Assert.False(string.IsNullOrWhiteSpace(name));
            Assert.True(memory > 0);
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(problem));
        }
        // An ordinal no machine has is never described as a device.
        Assert.NotNull(CudaDeviceInfo.Query(4096).Problem);
    }
}
