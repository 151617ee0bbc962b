using MoePS.Engine.Models.Experts;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// What a mixture keeps of one expert that is not a CGCNN extractor: its crystal features, [crystals, F] (zeros where it
/// was left out), or, where the mixture fine-tunes its last block, that block's inputs (null where it was left out).
/// </summary>
internal sealed record FrozenExpertInputs(Tensor? Features, TunableBlockInputs? BlockInputs) : IDisposable
{
    public void Dispose()
    {
        Features?.Dispose();
        BlockInputs?.Dispose();
    }
}
