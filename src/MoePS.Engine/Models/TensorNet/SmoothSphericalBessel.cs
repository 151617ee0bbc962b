using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// MatGL's smooth spherical-Bessel radial basis (<c>SphericalBesselFunction</c> with smooth = True): orthogonalised
/// combinations g_n(r), n &lt; max_n, of sin(kπr/r_c)/r that vanish with their derivative at the cutoff.
/// </summary>
/// <remarks>
/// MatGL builds the g_n symbolically and simplifies each to Σ_k c_nk·sin(w_k·r)/r with w_k = kπ/r_c, k = 1..n+2;
/// this class derives the same c_nk in double precision and evaluates the sum in that form, term by term in rising k.
/// </remarks>
public sealed class SmoothSphericalBessel
{
    /// <summary>The same numbers as Scalars for the tensor arithmetic, alive as long as the basis (<see cref="HeldScalars"/>).</summary>
    readonly Scalar[] heldFrequencies;
    readonly Scalar[][] heldCoefficients;

    public SmoothSphericalBessel(int functions, double cutoff)
    {
        if (functions < 1) throw new ArgumentOutOfRangeException(nameof(functions), "At least one radial function is needed.");
        Functions = functions;
        Frequencies = Enumerable.Range(1, functions + 1).Select(k => k * Math.PI / cutoff).ToArray();
        Coefficients = Derive(functions, cutoff);
        heldFrequencies = Frequencies.Select(w => w.ToScalar()).ToArray();
        heldCoefficients = Coefficients.Select(row => row.Select(c => c.ToScalar()).ToArray()).ToArray();
    }

    public int Functions { get; }

    /// <summary>w_k = kπ/r_c for k = 1..max_n+1.</summary>
    public IReadOnlyList<double> Frequencies { get; }

    /// <summary>c[n][k-1]: the weight of sin(w_k·r)/r in g_n (zero beyond k = n+2).</summary>
    public double[][] Coefficients { get; }

    /// <summary>The basis at distances <paramref name="r"/> [pairs] → [pairs, max_n], in r's dtype.</summary>
    public Tensor Evaluate(Tensor r)
    {
        using var scope = NewDisposeScope();
        var sines = heldFrequencies.Select(w => r.mul(w).sin()).ToArray();
        var columns = new Tensor[Functions];
        for (int n = 0; n < Functions; n++)
        {
            var sum = sines[0].mul(heldCoefficients[n][0]);
            for (int k = 1; k < n + 2; k++) sum = sum.add(sines[k].mul(heldCoefficients[n][k]), HeldScalars.One);
            columns[n] = sum / r;
        }
        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// f_i = (−1)^i·√2·π/r_c^1.5·(i+1)(i+2)/√((i+1)²+(i+2)²)·[sinc((i+1)πr/r_c) + sinc((i+2)πr/r_c)], orthogonalised by
    /// g_0 = f_0, g_i = (f_i + √(e_i/d_(i−1))·g_(i−1))/√d_i with e_i = i²(i+2)²/(4(i+1)⁴+1), d_0 = 1, d_i = 1 − e_i/d_(i−1).
    /// </summary>
    static double[][] Derive(int functions, double cutoff)
    {
        var e = Enumerable.Range(0, functions).Select(i => i * i * (i + 2.0) * (i + 2.0) / (4.0 * Math.Pow(i + 1, 4) + 1)).ToArray();
        var d = new double[functions];
        d[0] = 1;
        for (int i = 1; i < functions; i++) d[i] = 1 - e[i] / d[i - 1];
        var g = new double[functions][];
        for (int i = 0; i < functions; i++)
        {
            double amplitude = (i % 2 == 0 ? 1 : -1) * Math.Sqrt(2.0) * Math.PI / Math.Pow(cutoff, 1.5)
                               * (i + 1) * (i + 2) / Math.Sqrt((i + 1.0) * (i + 1) + (i + 2.0) * (i + 2));
            var f = new double[functions + 1];
            // sinc(kπr/r_c) = sin(kπr/r_c)·r_c/(kπ) / r
            f[i] = amplitude * cutoff / ((i + 1) * Math.PI);
            f[i + 1] = amplitude * cutoff / ((i + 2) * Math.PI);
            g[i] = i == 0 ? f : f.Select((fk, k) => (fk + Math.Sqrt(e[i] / d[i - 1]) * g[i - 1][k]) / Math.Sqrt(d[i])).ToArray();
        }
        return g;
    }
}
