using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MoePS.Engine.Runtime;
using static MoePS.Engine.Models.TensorNet.CartesianTensors;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// The loops of <see cref="TensorMessageSum"/> on the CPU over float32 memory, channels innermost: for each directed pair
/// p (source s, target t, radial row r), every one of the 10 components k of the target's tensors, weighted by the radial
/// weight of k's part (I, A or S), is added onto the source: out[s, k, :] += radial[r, part(k), :] · components[t, k, :].
/// Each call runs a range of pairs in order; ranges that share no atom or radial row (different crystals) may run on
/// different threads, so every sum is made in pair order whatever the thread count. Where libtorch's gather, spread,
/// product and scatter each write a [pairs, channels, 10] tensor, these loops write only the per-atom sums and gradients.
/// </summary>
internal readonly unsafe struct TensorMessageKernel
{
    const int Lanes = 8;
    const int Components = CartesianTensors.ComponentCount;


    readonly float* radial, components;
    readonly long* source, target, row;
    readonly int channels;

    /// <param name="radial">Radial weights per row, [rows, 3 parts, channels].</param>
    /// <param name="components">The atoms' tensor components, [atoms, 10, channels].</param>
    /// <param name="source">Each pair's source atom (where its message goes), [pairs].</param>
    /// <param name="target">Each pair's target atom (whose components it carries), [pairs].</param>
    /// <param name="row">Each pair's radial row, [pairs].</param>
    /// <param name="channels">Channels, a multiple of 8.</param>
    public TensorMessageKernel(nint radial, nint components, nint source, nint target, nint row, int channels)
    {
        this.radial = (float*)radial;
        this.components = (float*)components;
        this.source = (long*)source;
        this.target = (long*)target;
        this.row = (long*)row;
        this.channels = channels;
    }

    /// <summary>Whether the loops apply: vector hardware and channels a whole number of vectors.</summary>
    public static bool Supports(int channels) => VectorMath.IsAccelerated && channels % Lanes == 0;

    /// <summary>The messages of pairs [<paramref name="first"/>, <paramref name="end"/>) summed onto each source atom, into <paramref name="output"/> ([atoms, 10, channels], zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call: tier-0 vector code is many times slower
    public void Sum(nint output, long first, long end)
    {
        var sums = (float*)output;
        long stride = (long)Components * channels;
        for (long p = first; p < end; p++)
        {
            float* onto = sums + source[p] * stride, from = components + target[p] * stride, weights = radial + row[p] * 3 * channels;
            for (int k = 0; k < Components; k++)
                MultiplyAdd(onto + k * channels, weights + PartOfComponent[k] * channels, from + k * channels);
        }
    }

    /// <summary>
    /// For pairs [<paramref name="first"/>, <paramref name="end"/>), the gradients of a loss L given ∂L/∂sums (<paramref name="upstream"/>, [atoms, 10, channels]): into
    /// <paramref name="radialGradient"/> ([rows, 3, channels], zeros; 0 to skip) Σ over a row's pairs and a part's components of
    /// ∂L/∂sums[s, k] · components[t, k]; into <paramref name="componentGradient"/> ([atoms, 10, channels], zeros; 0 to skip)
    /// Σ over an atom's pairs as target of radial[r, part(k)] · ∂L/∂sums[s, k].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gradients(nint upstream, nint radialGradient, nint componentGradient, long first, long end)
    {
        var up = (float*)upstream;
        var toRadial = (float*)radialGradient;
        var toComponents = (float*)componentGradient;
        long stride = (long)Components * channels;
        for (long p = first; p < end; p++)
        {
            float* g = up + source[p] * stride;
            if (toComponents != null)
            {
                float* onto = toComponents + target[p] * stride, weights = radial + row[p] * 3 * channels;
                for (int k = 0; k < Components; k++)
                    MultiplyAdd(onto + k * channels, weights + PartOfComponent[k] * channels, g + k * channels);
            }
            if (toRadial != null)
            {
                float* onto = toRadial + row[p] * 3 * channels, from = components + target[p] * stride;
                for (int k = 0; k < Components; k++)
                    MultiplyAdd(onto + PartOfComponent[k] * channels, g + k * channels, from + k * channels);
            }
        }
    }

    /// <summary>onto[i] += a[i] · b[i] over the channels.</summary>
    void MultiplyAdd(float* onto, float* a, float* b)
    {
        for (int i = 0; i < channels; i += Lanes)
            Vector256.Store(Vector256.Load(onto + i) + Vector256.Load(a + i) * Vector256.Load(b + i), onto + i);
    }
}
