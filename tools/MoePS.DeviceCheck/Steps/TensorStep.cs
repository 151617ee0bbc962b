using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.DeviceCheck.Steps;

/// <summary>
/// A tiny tensor computation on the device, and what was loaded: the first thing run-device-check.sh asks of a
/// libLibTorchSharp.so, since a shim built for another libtorch may load and still fail (or crash) at its first op.
/// </summary>
public sealed class TensorStep : ICheckStep
{
    public string Name => "tensor";

    public StepOutcome Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var device = context.Device.ToTorch();
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3 }, device: device);
        float sumOfSquares = (a * a).sum().item<float>();
        var generator = new Generator(0);
        var m = randn(new long[] { 64, 64 }, generator: generator);
        var onDevice = m.to(device).matmul(m.to(device)).cpu();
        double matmulDeviation = (onDevice - m.matmul(m)).abs().max().item<float>();
        string? libtorch = Environment.GetEnvironmentVariable(TorchRuntime.LibTorchPathVariable);
        bool passed = sumOfSquares == 14f && matmulDeviation < 1e-3;
        return new StepOutcome(passed, new
        {
            sumOfSquares,
            matmulMaxDeviationFromCpu = matmulDeviation,
            device = context.Device.Description,
            cudaAvailable = cuda.is_available(),
            cudaDevices = cuda.is_available() ? cuda.device_count() : 0,
            cudnnAvailable = cuda.is_available() && cuda.is_cudnn_available(),
            torchThreads = get_num_threads(),
            shim = TorchRuntime.LoadedFrom,
            libtorchFolder = libtorch,
            libtorchVersion = string.IsNullOrWhiteSpace(libtorch) ? null : LibTorchVersion.Detect(libtorch)?.Version,
            shimBuiltFor = LibTorchVersion.ShimBuiltFor,
            versionWarning = TorchRuntime.VersionWarning,
        });
    }
}
