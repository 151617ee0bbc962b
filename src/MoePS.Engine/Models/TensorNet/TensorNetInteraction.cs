using MoePS.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static MoePS.Engine.Models.TensorNet.CartesianTensors;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// One TensorNet interaction layer (MatGL's TensorNetInteraction, O(3) variant): radially weighted I, A, S parts of the
/// neighbours' normalised tensors summed onto each pair's source atom, combined with the atom's own tensor Y as
/// msg·Y + Y·msg, normalised, mixed per channel and added with its square: X + dX + dX·dX.
/// </summary>
public sealed class TensorNetInteraction : Module
{
#pragma warning disable IDE1006 // names must match the PyTorch state_dict keys
    readonly ModuleList<Linear> linears_scalar;
    readonly ModuleList<Linear> linears_tensor;
#pragma warning restore IDE1006
    readonly int units;

    public TensorNetInteraction(int units, int radialFunctions) : base(nameof(TensorNetInteraction))
    {
        this.units = units;
        linears_scalar = new ModuleList<Linear>(Linear(radialFunctions, units), Linear(units, 2 * units), Linear(2 * units, 3 * units));
        linears_tensor = new ModuleList<Linear>(Enumerable.Range(0, 6).Select(_ => Linear(units, units, hasBias: false)).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// Whether the message step runs as one fused CPU operation (<see cref="TensorMessageSum"/>) where it applies: set on a
    /// fine-tuned block, whose training it speeds up; the potential's own layers keep libtorch's operations and their bits.
    /// </summary>
    public bool FusesMessages { get; init; }

    /// <summary>The node tensors after this layer, [atoms, units, 3, 3].</summary>
    public Tensor Interact(Tensor x, RadialPairs pairs)
    {
        using var scope = NewDisposeScope();
        var radial = pairs.Basis;
        foreach (var linear in linears_scalar) radial = functional.silu(linear.forward(radial));
        radial = radial * pairs.Envelope.view(-1, 1);
        radial = radial.reshape(radial.shape[0], units, 3);

        x = x / PlusOne(SquaredNorm(x)).unsqueeze(-1).unsqueeze(-1);
        var (scalar, skew, traceless) = Decompose(x);
        scalar = MixChannels(linears_tensor[0], scalar);
        skew = MixChannels(linears_tensor[1], skew);
        traceless = MixChannels(linears_tensor[2], traceless);
        var y = Compose(scalar, skew, traceless);

        var components = Components(scalar, skew, traceless);
        var (messageScalar, messageSkew, messageTraceless) = FromComponents(FusesMessages && TensorMessageSum.Supports(components)
            ? TensorMessageSum.Apply(radial, components, pairs)
            : SumOnto(pairs.Source, SpreadOverComponents(pairs.PerPair(radial)) * components.index_select(0, pairs.Target), x.shape[0]));
        var message = Compose(messageScalar, messageSkew, messageTraceless);

        (scalar, skew, traceless) = Decompose(matmul(message, y).add(matmul(y, message), HeldScalars.One));
        var normPlusOne = PlusOne(SquaredNorm(Compose(scalar, skew, traceless))).unsqueeze(-1).unsqueeze(-1);
        scalar = MixChannels(linears_tensor[3], scalar / normPlusOne);
        skew = MixChannels(linears_tensor[4], skew / normPlusOne);
        traceless = MixChannels(linears_tensor[5], traceless / normPlusOne);
        var dx = Compose(scalar, skew, traceless);
        return x.add(dx, HeldScalars.One).add(matmul(dx, dx), HeldScalars.One).MoveToOuterDisposeScope();
    }
}
