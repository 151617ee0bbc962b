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
}
