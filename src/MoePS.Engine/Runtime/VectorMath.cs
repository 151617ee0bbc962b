using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MoePS.Engine.Runtime;

/// <summary>
/// exp and log1p on eight floats at once, for the engine's own element-wise kernels (.NET 8 has no vectorised exp).
/// exp by Cephes' single-precision polynomial (S. L. Moshier), log1p by a short series; relative error about 2·10⁻⁷ over the ranges used here, which
/// <c>VectorMathTests</c> checks against double-precision <see cref="Math"/>.
/// </summary>
internal static class VectorMath
{
    static readonly Vector256<float> Log2E = Vector256.Create(1.44269504088896341f);
    static readonly Vector256<float> Ln2High = Vector256.Create(0.693359375f), Ln2Low = Vector256.Create(-2.12194440e-4f);
    static readonly Vector256<float> ExpLowest = Vector256.Create(-87.3f), ExpHighest = Vector256.Create(88.3f);
    static readonly Vector256<float> Half = Vector256.Create(0.5f), One = Vector256.Create(1f);
    static readonly Vector256<float> Two = Vector256.Create(2f);
    static readonly Vector256<int> ExponentBias = Vector256.Create(127);

    /// <summary>Whether the hardware runs these as vector instructions (otherwise callers use libtorch's kernels).</summary>
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>eˣ, x clamped to [−87.3, 88.3] (the normal floats' range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, ExpLowest), ExpHighest);
        var n = Vector256.Floor(x * Log2E + Half);
        var r = x - n * Ln2High - n * Ln2Low;
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        var e = p * r * r + r + One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + ExponentBias, 23).AsSingle();
        return e * scale;
    }

    /// <summary>
    /// ln(1 + t) for 0 ≤ t ≤ 1 as 2·atanh(s) with s = t/(2 + t) ≤ 1/3: 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15), the series cut
    /// where its next term is below float precision; relative error without cancellation down to the smallest t.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1P(Vector256<float> t)
    {
        var s = t / (Two + t);
        var z = s * s;
        var p = Vector256.Create(1f / 15);
        p = p * z + Vector256.Create(1f / 13);
        p = p * z + Vector256.Create(1f / 11);
        p = p * z + Vector256.Create(1f / 9);
        p = p * z + Vector256.Create(1f / 7);
        p = p * z + Vector256.Create(1f / 5);
        p = p * z + Vector256.Create(1f / 3);
        p = p * z + One;
        return (s + s) * p;
    }
}
