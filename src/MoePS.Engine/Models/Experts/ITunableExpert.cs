using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Experts;

/// <summary>
/// An expert whose last block a mixture can fine-tune instead of reading its cached features (TensorNet's last
/// interaction block, with the mixture setting TensorNetLastBlock FineTuned): the mixture computes what the block reads
/// once per crystal with the expert's frozen weights, and trains its own copy of the block on it.
/// </summary>
public interface ITunableExpert : IExpert
{
    /// <summary>A trainable copy of its last block at its own weights, giving its crystal features.</summary>
    TunableBlock NewBlock();

    /// <summary>What the block reads for each crystal, in order, kept on <paramref name="device"/>.</summary>
    TunableBlockInputs BlockInputs(IReadOnlyList<Crystal> crystals, ComputeDevice device);
}
