using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The prediction head on top of the aggregated feature: Linear(in→h), Softplus,
/// (Linear(h→h), Softplus) × (layers−2), Linear(h→1). The paper uses 3 layers, h = 32.
/// </summary>
public sealed class MlpHead : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers = new();

    public MlpHead(int inputSize, int layerCount = 3, int hiddenSize = 32) : base(nameof(MlpHead))
    {
        if (layerCount < 1) throw new ArgumentOutOfRangeException(nameof(layerCount), "A head needs at least one layer.");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), "The hidden size must be positive.");
        InputSize = inputSize;
        LayerCount = layerCount;
        HiddenSize = hiddenSize;
        for (int i = 0; i < layerCount; i++)
        {
            int inSize = i == 0 ? inputSize : hiddenSize;
            int outSize = i == layerCount - 1 ? 1 : hiddenSize;
            layers.Add(nn.Linear(inSize, outSize));
        }
        RegisterComponents();
    }

    /// <summary>Re-draws every layer's weights from <paramref name="generator"/> with the distribution of torch's default Linear initialisation.</summary>
    public void ResetParameters(Generator generator)
    {
        foreach (var layer in layers) ResetLinear(layer, generator);
    }

    /// <summary>Re-draws <paramref name="layer"/>'s weights and bias from <paramref name="generator"/> as torch's default Linear initialisation does.</summary>
    public static void ResetLinear(Linear layer, Generator generator)
    {
        // PyTorch's Linear defaults: weights kaiming_uniform(a=√5), which is U(±1/√fan_in), and bias ~ U(±1/√fan_in).
        // Tensor.uniform_ honours the generator; TorchSharp's nn.init.uniform_ (0.107) draws from the global one whatever it is given.
        double bound = 1 / Math.Sqrt(layer.weight!.shape[1]);
        layer.weight!.uniform_(-bound, bound, generator);
        layer.bias!.uniform_(-bound, bound, generator);
    }

    public int InputSize { get; }
    public int LayerCount { get; }
    public int HiddenSize { get; }

    /// <summary>[batch, in] → [batch] (normalised prediction).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].forward(h);
            if (i < layers.Count - 1) h = HeldScalars.Softplus(h);
        }
        return h.squeeze(-1).MoveToOuterDisposeScope();
    }
}
