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
        x = Normalised(x);
        var (scalar, skew, traceless) = Decompose(x);
        scalar = MixChannels(linears_tensor[0], scalar);
        skew = MixChannels(linears_tensor[1], skew);
        traceless = MixChannels(linears_tensor[2], traceless);
        var y = Compose(scalar, skew, traceless);
        var (messageScalar, messageSkew, messageTraceless) = FromComponents(MessageSums(Components(scalar, skew, traceless), pairs, x.shape[0]));
        var message = Compose(messageScalar, messageSkew, messageTraceless);

        (scalar, skew, traceless) = Decompose(matmul(message, y).add(matmul(y, message), HeldScalars.One));
        var normPlusOne = PlusOne(SquaredNorm(Compose(scalar, skew, traceless))).unsqueeze(-1).unsqueeze(-1);
        scalar = MixChannels(linears_tensor[3], scalar / normPlusOne);
        skew = MixChannels(linears_tensor[4], skew / normPlusOne);
        traceless = MixChannels(linears_tensor[5], traceless / normPlusOne);
        var dx = Compose(scalar, skew, traceless);
        return x.add(dx, HeldScalars.One).add(matmul(dx, dx), HeldScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The squared norms of the I, A and S parts of this layer's output, [atoms, 3·units] (what <c>out_norm</c> reads), from
    /// its input as <see cref="Prepare"/> gives it, with I, A and S handled as their 10 numbers per channel: the channel
    /// mixings run on those instead of 27 entries, the parts are split and joined by one small matrix product each, and the
    /// input's normalisation and split are not redone. For a block whose input is fixed (a fine-tuned last block), which
    /// prepares it once; equal to <see cref="PartSquaredNorms"/> of <see cref="Interact(Tensor, RadialPairs)"/> up to float
    /// rounding.
    /// </summary>
    public Tensor PartSquaredNormsAfter(Tensor normalised, Tensor components, RadialPairs pairs)
    {
        using var scope = NewDisposeScope();
        var mixed = MixComponents(components, 0);
        var y = Assemble(mixed);
        var message = Assemble(MessageSums(mixed, pairs, normalised.shape[0]));
        var product = matmul(message, y).add(matmul(y, message), HeldScalars.One);
        var scaled = ComponentsOf(product) / PlusOne(SquaredNorm(product)).unsqueeze(-1);
        var dx = Assemble(MixComponents(scaled.transpose(1, 2), 3));
        var output = normalised.add(dx, HeldScalars.One).add(matmul(dx, dx), HeldScalars.One);
        return PartSquaredNormsOfComponents(ComponentsOf(output)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The layer's input X as it first normalises it, X / (‖X‖² + 1), [atoms, units, 3, 3], and the components of that
    /// one's I, A and S parts, component-major, [atoms, 10, units] (in <see cref="CartesianTensors.Components"/>' order):
    /// what <see cref="PartSquaredNormsAfter"/> starts from.
    /// </summary>
    public static (Tensor Normalised, Tensor Components) Prepare(Tensor x)
    {
        using var scope = NewDisposeScope();
        var normalised = Normalised(x);
        var (scalar, skew, traceless) = Decompose(normalised);
        var components = Components(scalar, skew, traceless).transpose(1, 2).contiguous();
        return (normalised.MoveToOuterDisposeScope(), components.MoveToOuterDisposeScope());
    }

    static Tensor Normalised(Tensor x) => x / PlusOne(SquaredNorm(x)).unsqueeze(-1).unsqueeze(-1);

    /// <summary>
    /// Components given component-major, [atoms, 10, units], mixed over the channel axis by linears_tensor[<paramref name="first"/>]
    /// (I's), the next (A's) and the one after (S's), as [atoms, units, 10].
    /// </summary>
    Tensor MixComponents(Tensor componentMajor, int first) => cat(new[]
    {
        linears_tensor[first].forward(componentMajor.narrow(1, 0, 1)),
        linears_tensor[first + 1].forward(componentMajor.narrow(1, 1, 3)),
        linears_tensor[first + 2].forward(componentMajor.narrow(1, 4, 6)),
    }, 1).transpose(1, 2).contiguous();

    /// <summary>
    /// The neighbours' Y parts, radially weighted, summed onto each pair's source atom, as components [atoms, units, 10],
    /// from Y's <paramref name="components"/> [atoms, units, 10].
    /// </summary>
    Tensor MessageSums(Tensor components, RadialPairs pairs, long atoms)
    {
        var radial = pairs.Basis;
        foreach (var linear in linears_scalar) radial = functional.silu(linear.forward(radial));
        radial = radial * pairs.Envelope.view(-1, 1);
        radial = radial.reshape(radial.shape[0], units, 3);
        return FusesMessages && TensorMessageSum.Supports(components)
            ? TensorMessageSum.Apply(radial, components, pairs)
            : SumOnto(pairs.Source, SpreadOverComponents(pairs.PerPair(radial)) * components.index_select(0, pairs.Target), atoms);
    }
}
