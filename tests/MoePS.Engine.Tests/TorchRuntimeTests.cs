using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;

namespace MoePS.Engine.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void LoadsLibTorchAndRunsATensorOp()
    {
        TorchRuntime.EnsureLoaded();
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = (a * a).sum();
        Assert.Equal(14f, b.item<float>());
        Assert.NotNull(TorchRuntime.LoadedFrom);
    }

    [Fact]
    public void CpuIsAlwaysAvailable()
    {
        var devices = ComputeDevice.Available();
        Assert.Equal("cpu", devices[0].Name);
        Assert.Equal("cpu", ComputeDevice.Parse("CPU").Name);
        var e = Assert.Throws<ArgumentException>(() => ComputeDevice.Parse("tpu:3"));
        Assert.Contains("tpu:3", e.Message);
    }
}
