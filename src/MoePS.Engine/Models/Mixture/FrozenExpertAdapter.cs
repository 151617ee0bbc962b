using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// A frozen expert's trainable block in the mixture: Softplus(Linear(F→W)) of its cached crystal feature, W the width the
/// mixture combines (its CGCNN extractors', 64 for the paper's). A CGCNN feature is the Softplus of its pooled last
/// convolution, which the mixture fine-tunes; this is the same shape of last step for an expert that stays frozen, and
/// it lets experts of different widths be added (Aggregation Add) as well as concatenated or ensembled.
/// </summary>
internal sealed class FrozenExpertAdapter : nn.Module<Tensor, Tensor>
{
    readonly Linear projection;

    public FrozenExpertAdapter(int inputSize, int outputSize) : base(nameof(FrozenExpertAdapter))
    {
        projection = nn.Linear(inputSize, outputSize);
        RegisterComponents();
    }

    /// <summary>Re-draws the weights from <paramref name="generator"/> as torch's default Linear initialisation does.</summary>
    public void ResetParameters(Generator generator) => MlpHead.ResetLinear(projection, generator);

    /// <summary>[crystals, F] → [crystals, W].</summary>
    public override Tensor forward(Tensor features) => HeldScalars.Softplus(projection.forward(features));
}
