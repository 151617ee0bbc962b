using TorchSharp.Modules;
using static TorchSharp.torch;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models;

/// <summary>
/// Fresh CGCNN weights from a seed, independent of torch's global generator (which other threads
/// may be using): every Linear layer's weight and bias ~ U(−1/√fan_in, 1/√fan_in), the distribution of
/// PyTorch's default nn.Linear init (kaiming_uniform with a = √5); BatchNorm keeps weight 1, bias 0.
/// </summary>
public static class CgcnnInitialiser
{
    const int InitStream = 2; // BatchPlan's shuffle uses stream 1

    /// <summary>A new network of <paramref name="architecture"/> whose initial weights depend only on <paramref name="seed"/>.</summary>
    public static Cgcnn Create(CgcnnArchitecture architecture, int seed)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        var model = new Cgcnn(architecture);
        Reset(model, seed);
        return model;
    }

    /// <summary>Overwrites every Linear layer's weights and biases (in module order) with seeded uniform draws.</summary>
    public static void Reset(Cgcnn model, int seed)
    {
        var rng = SplitMix64.For(seed, 0, InitStream);
        using var noGrad = no_grad();
        foreach (var linear in model.modules().OfType<Linear>())
        {
            var weight = linear.weight!;
            double bound = 1.0 / Math.Sqrt(weight.shape[1]);
            Fill(weight, rng, bound);
            if (linear.bias is { } bias) Fill(bias, rng, bound);
        }
    }

    static void Fill(Tensor parameter, SplitMix64 rng, double bound)
    {
        var values = new float[parameter.numel()];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        using var source = tensor(values, parameter.shape);
        parameter.copy_(source);
    }
}
