using static TorchSharp.torch;

namespace MoePS.Engine.Models.Experts;

/// <summary>The trainable last block of an <see cref="ITunableExpert"/>: from its inputs to the crystal features.</summary>
public abstract class TunableBlock : nn.Module
{
    protected TunableBlock(string name) : base(name) { }

    /// <summary>The crystal features of <paramref name="rows"/> of <paramref name="inputs"/>, [crystals, the expert's feature length].</summary>
    public abstract Tensor Features(TunableBlockInputs inputs, IReadOnlyList<int> rows);
}

/// <summary>What a <see cref="TunableBlock"/> reads, per crystal, computed once with the expert's frozen weights.</summary>
public abstract class TunableBlockInputs : IDisposable
{
    /// <summary>Crystals held.</summary>
    public abstract int Count { get; }

    /// <summary>
    /// Floats of the largest per-crystal tensors that a training step through the block holds, on average per crystal
    /// (how packs bound the memory of one backward pass).
    /// </summary>
    public abstract double StepFloatsPerCrystal { get; }

    public abstract void Dispose();
}
