using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>Copies of a module's state (a training run's best state, a checkpoint's).</summary>
internal static class ModuleState
{
    /// <summary>A copy of every parameter and buffer of <paramref name="module"/>, outside autograd, owned by the caller.</summary>
    public static Dictionary<string, Tensor> Copy(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().MoveToOuterDisposeScope());
    }
}
