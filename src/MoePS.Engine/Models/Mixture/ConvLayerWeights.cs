using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The tensors of one CGCNN convolution layer, named as in PyTorch's state_dict:
/// fc_full (Linear 2F+E → 2F), bn1 (BatchNorm 2F), bn2 (BatchNorm F).
/// </summary>
public sealed record ConvLayerWeights(
    Tensor FcWeight, Tensor FcBias,
    Tensor Bn1Weight, Tensor Bn1Bias, Tensor Bn1RunningMean, Tensor Bn1RunningVar,
    Tensor Bn2Weight, Tensor Bn2Bias, Tensor Bn2RunningMean, Tensor Bn2RunningVar)
{
    public int AtomFeatureLength => (int)Bn2Weight.shape[0];
    public int EdgeFeatureLength => (int)FcWeight.shape[1] - 2 * AtomFeatureLength;

    /// <summary>Copies (on the CPU) of a CGCNN convolution layer's tensors.</summary>
    public static ConvLayerWeights Of(CgcnnConvLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var s = layer.state_dict();
        Tensor T(string key) => s[key].detach().cpu().clone();
        return new ConvLayerWeights(T("fc_full.weight"), T("fc_full.bias"),
            T("bn1.weight"), T("bn1.bias"), T("bn1.running_mean"), T("bn1.running_var"),
            T("bn2.weight"), T("bn2.bias"), T("bn2.running_mean"), T("bn2.running_var"));
    }
}
