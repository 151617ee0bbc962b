using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Scalars held for the life of the process, for the engine's tensor arithmetic. TorchSharp 0.107 turns a .NET number
/// into a <see cref="Scalar"/> implicitly (<c>t.add(u)</c> is <c>t.add(u, 1)</c>, <c>softplus(x)</c> passes β = 1 and
/// threshold 20, <c>x - 1</c>, <c>full(n, −∞)</c>) and hands its native handle to libtorch without keeping the Scalar
/// reachable, so a garbage collection during the call lets the finalizer thread free the value while libtorch may still
/// read it (README, Reliability). Passing these instead is the same native call with the same values, which are never
/// freed. A value that changes from call to call is made with <c>ToScalar()</c> in a <c>using</c> declaration, which keeps
/// it reachable to the end of its scope.
/// </summary>
internal static class HeldScalars
{
    /// <summary>The integer 1: the alpha of <c>t.add(u)</c> and <c>index_add</c>, the step of <c>num_batches_tracked</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 2 (a square, <c>pow(2)</c>).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>One half as a double (TensorNet's symmetric parts and cosine envelope).</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>0 as a float (the value <c>index_fill_(…, 0f)</c> writes).</summary>
    public static readonly Scalar ZeroFloat = 0f.ToScalar();

    /// <summary>−∞ as a float (the masked gate logits).</summary>
    public static readonly Scalar NegativeInfinityFloat = float.NegativeInfinity.ToScalar();

    /// <summary>TorchSharp's defaults for softplus, β = 1 and threshold 20, as the doubles its public overload converts.</summary>
    static readonly Scalar SoftplusBeta = 1.0.ToScalar(), SoftplusThreshold = 20.0.ToScalar();

    /// <summary>
    /// TorchSharp's own softplus call with Scalar arguments (its private <c>Tensor.softplus1(Scalar, Scalar)</c>, which the
    /// public <c>softplus(double, double)</c> calls with temporaries); null if a TorchSharp version lacks it.
    /// </summary>
    static readonly Func<Tensor, Scalar, Scalar, Tensor>? SoftplusWithScalars = typeof(Tensor)
        .GetMethod("softplus1", BindingFlags.Instance | BindingFlags.NonPublic, new[] { typeof(Scalar), typeof(Scalar) })
        ?.CreateDelegate<Func<Tensor, Scalar, Scalar, Tensor>>();

    /// <summary>Whether <see cref="Softplus"/> passes held Scalars (false only if TorchSharp no longer has the private call).</summary>
    public static bool SoftplusHoldsItsScalars => SoftplusWithScalars != null;

    /// <summary><c>nn.functional.softplus(x)</c> (β = 1, threshold 20), the same native call with held Scalars.</summary>
    public static Tensor Softplus(Tensor x) =>
        SoftplusWithScalars is { } call ? call(x, SoftplusBeta, SoftplusThreshold) : nn.functional.softplus(x);
}
