using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// TensorNet's rank-2 Cartesian tensor algebra on [..., 3, 3] tensors: the split into scalar (I), skew (A) and symmetric
/// traceless (S) parts, the tensors built from a unit vector, the squared Frobenius norm and the per-channel linear map.
/// The operations and their order are MatGL's (matgl.utils.maths), so float32 rounding follows the reference closely.
/// Numbers enter as held Scalars (<see cref="HeldScalars"/>), never as TorchSharp's implicit temporaries.
/// </summary>
/// <remarks>
/// Per-pair messages travel as the 10 numbers that determine I, A and S (<see cref="ComponentCount"/>): I's diagonal
/// value, A's entries (A₂₁, A₀₂, A₁₀) and S's diagonal and upper entries. The other entries of MatGL's 3×3
/// messages are zeros or exact negatives and copies of these, so summing the components and assembling the tensors
/// afterwards gives MatGL's sums with a third of the work.
/// </remarks>
public static class CartesianTensors
{
    /// <summary>Numbers per channel that determine an I + A + S triple: 1 + 3 + 6.</summary>
    public const int ComponentCount = 10;

    /// <summary>The entries A's components are (A₂₁, A₀₂, A₁₀) and S's off-diagonal ones (S₀₁, S₀₂, S₁₂), as (row, column).</summary>
    static readonly (int Row, int Col)[] SkewEntries = { (2, 1), (0, 2), (1, 0) }, UpperEntries = { (0, 1), (0, 2), (1, 2) };
    /// <summary>Positions in a flattened 3×3 tensor of I's value, A's (A₂₁, A₀₂, A₁₀) and S's (S₀₀, S₁₁, S₂₂, S₀₁, S₀₂, S₁₂).</summary>
    static readonly long[] ComponentPositions =
        [0, .. SkewEntries.Select(e => 3L * e.Row + e.Col), 0, 4, 8, .. UpperEntries.Select(e => 3L * e.Row + e.Col)];
    /// <summary>For each of the 10 components, which of the three (I, A, S) it belongs to.</summary>
    internal static readonly long[] PartOfComponent = { 0, 1, 1, 1, 2, 2, 2, 2, 2, 2 };
    /// <summary>S's 9 entries from its 6 components, row-major.</summary>
    static readonly long[] SymmetricFromComponents = { 0, 3, 4, 3, 1, 5, 4, 5, 2 };
    static readonly double[] IdentityFlat = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };

    /// <summary>
    /// [9, 10], row-major: a flattened 3×3 tensor X times this is its components: I's value tr X/3; A's (X₂₁ − X₁₂)/2,
    /// (X₀₂ − X₂₀)/2, (X₁₀ − X₀₁)/2; S's diagonal Xᵢᵢ − tr X/3 and upper entries (Xᵢⱼ + Xⱼᵢ)/2.
    /// </summary>
    static readonly double[] FlatToComponents = BuildFlatToComponents();
    /// <summary>[10, 9], row-major: components times this is the flattened I + A + S (the inverse of <see cref="FlatToComponents"/> on such tensors).</summary>
    static readonly double[] ComponentsToFlat = BuildComponentsToFlat();
    /// <summary>Each component's weight in its part's squared norm: I's value is on 3 entries, A's and S's upper ones on 2.</summary>
    static readonly double[] NormWeights = { 3, 2, 2, 2, 1, 1, 1, 2, 2, 2 };
    /// <summary>X = I + A + S with I = (tr X/3)·1, A = (X − Xᵀ)/2, S = (X + Xᵀ)/2 − I.</summary>
    public static (Tensor Scalar, Tensor Skew, Tensor Traceless) Decompose(Tensor x)
    {
        var scalar = IsotropicPart(x);
        var transposed = x.transpose(-2, -1);
        return (scalar, x.sub(transposed).mul(HeldScalars.Half), x.add(transposed, HeldScalars.One).mul(HeldScalars.Half).sub(scalar));
    }

    /// <summary>I + A + S.</summary>
    public static Tensor Compose(Tensor scalar, Tensor skew, Tensor traceless) =>
        scalar.add(skew, HeldScalars.One).add(traceless, HeldScalars.One);

    /// <summary>x + 1, element-wise.</summary>
    public static Tensor PlusOne(Tensor x) => x.add(HeldScalars.One, HeldScalars.One);

    /// <summary>The skew tensor of each vector u [pairs, 3]: A·v = u × v, as [pairs, 3, 3].</summary>
    public static Tensor Skew(Tensor u)
    {
        var zero = zeros(u.shape[0], dtype: u.dtype, device: u.device);
        Tensor c(int k) => u.select(1, k);
        return stack(new[] { zero, -c(2), c(1), c(2), zero, -c(0), -c(1), c(0), zero }, 1).view(-1, 3, 3);
    }

    /// <summary>The symmetric traceless part of u⊗u for each vector u [pairs, 3], as [pairs, 3, 3].</summary>
    public static Tensor SymmetricTraceless(Tensor u)
    {
        var outer = matmul(u.unsqueeze(-1), u.unsqueeze(-2));
        return outer.add(outer.transpose(-2, -1), HeldScalars.One).mul(HeldScalars.Half).sub(IsotropicPart(outer));
    }

    /// <summary>Σ_ab X_ab² over the last two axes (MatGL's tensor_norm: the squared Frobenius norm).</summary>
    public static Tensor SquaredNorm(Tensor x) => x.pow(HeldScalars.Two).sum(new long[] { -2, -1 });

    /// <summary>The squared norms of X's I, A and S parts side by side, [atoms, 3·channels]: what enters TensorNet's <c>out_norm</c>.</summary>
    public static Tensor PartSquaredNorms(Tensor x)
    {
        var (scalar, skew, traceless) = Decompose(x);
        return cat(new[] { SquaredNorm(scalar), SquaredNorm(skew), SquaredNorm(traceless) }, -1);
    }

    /// <summary>A bias-free linear map over the channel axis of [atoms, channels, 3, 3] tensors.</summary>
    public static Tensor MixChannels(Linear linear, Tensor x) => linear.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);

    /// <summary>Scales each channel's tensor by a per-channel factor: [n, channels] × [n, channels, 3, 3].</summary>
    public static Tensor Scale(Tensor factor, Tensor x) => factor.unsqueeze(-1).unsqueeze(-1) * x;

    /// <summary>MatGL's scatter_add: per-pair values summed onto the atom each pair names.</summary>
    public static Tensor SumOnto(Tensor atomOfPair, Tensor values, long atoms)
    {
        var shape = values.shape.ToArray();
        shape[0] = atoms;
        return zeros(shape, values.dtype, values.device).index_add(0, atomOfPair, values, HeldScalars.One);
    }

    /// <summary>The 10 components per channel of I, A and S ([n, channels, 3, 3] each), as [n, channels, 10].</summary>
    public static Tensor Components(Tensor scalar, Tensor skew, Tensor traceless)
    {
        using var scope = NewDisposeScope();
        using var positions = tensor(ComponentPositions, device: scalar.device);
        Tensor Pick(Tensor x, long from, long count) => x.flatten(-2).index_select(-1, positions.narrow(0, from, count));
        return cat(new[] { Pick(scalar, 0, 1), Pick(skew, 1, 3), Pick(traceless, 4, 6) }, -1).MoveToOuterDisposeScope();
    }

    /// <summary>I, A and S as [n, channels, 3, 3] from their 10 components per channel.</summary>
    public static (Tensor Scalar, Tensor Skew, Tensor Traceless) FromComponents(Tensor components)
    {
        using var scope = NewDisposeScope();
        var shape = components.shape[..^1].Concat(new long[] { 3, 3 }).ToArray();
        using var identity = tensor(IdentityFlat, dtype: components.dtype, device: components.device);
        using var symmetric = tensor(SymmetricFromComponents, device: components.device);
        var scalar = (components.narrow(-1, 0, 1) * identity).view(shape);
        var skewVector = components.narrow(-1, 1, 3);
        Tensor c(int k) => skewVector.select(-1, k);
        var zero = zeros_like(c(0));
        var skew = stack(new[] { zero, -c(2), c(1), c(2), zero, -c(0), -c(1), c(0), zero }, -1).view(shape);
        var traceless = components.narrow(-1, 4, 6).index_select(-1, symmetric).view(shape);
        return (scalar.MoveToOuterDisposeScope(), skew.MoveToOuterDisposeScope(), traceless.MoveToOuterDisposeScope());
    }

    /// <summary>Per-channel factors for (I, A, S), [n, channels, 3], spread over the 10 components: [n, channels, 10].</summary>
    public static Tensor SpreadOverComponents(Tensor factors)
    {
        using var parts = tensor(PartOfComponent, device: factors.device);
        return factors.index_select(-1, parts);
    }

    /// <summary>The 10 components of a general [..., 3, 3] tensor's I, A and S parts, [..., 10], by one matrix product.</summary>
    public static Tensor ComponentsOf(Tensor x)
    {
        using var map = tensor(FlatToComponents, dtype: x.dtype, device: x.device).view(9, 10);
        return matmul(x.flatten(-2), map);
    }

    /// <summary>I + A + S as [..., 3, 3] from their components [..., 10], by one matrix product (<see cref="FromComponents"/> gives the parts).</summary>
    public static Tensor Assemble(Tensor components)
    {
        using var map = tensor(ComponentsToFlat, dtype: components.dtype, device: components.device).view(10, 9);
        var flat = matmul(components, map);
        return flat.view(flat.shape[..^1].Concat(new long[] { 3, 3 }).ToArray());
    }

    /// <summary>The squared norms of the I, A and S parts given by components [n, channels, 10], as <see cref="PartSquaredNorms"/> lays them out: [n, 3·channels].</summary>
    public static Tensor PartSquaredNormsOfComponents(Tensor components)
    {
        using var scope = NewDisposeScope();
        using var weights = tensor(NormWeights, dtype: components.dtype, device: components.device);
        var weighted = components.square() * weights;
        return cat(new[] { weighted.select(-1, 0), weighted.narrow(-1, 1, 3).sum(-1), weighted.narrow(-1, 4, 6).sum(-1) }, -1).MoveToOuterDisposeScope();
    }

    static double[] BuildFlatToComponents()
    {
        var map = new double[9 * 10];
        void Set(int row, int col, int component, double value) => map[(3 * row + col) * 10 + component] += value;
        for (int d = 0; d < 3; d++)
        {
            Set(d, d, 0, 1.0 / 3);
            for (int e = 0; e < 3; e++) Set(e, e, 4 + d, (d == e ? 1 : 0) - 1.0 / 3);
        }
        for (int k = 0; k < 3; k++)
        {
            Set(SkewEntries[k].Row, SkewEntries[k].Col, 1 + k, 0.5);
            Set(SkewEntries[k].Col, SkewEntries[k].Row, 1 + k, -0.5);
            Set(UpperEntries[k].Row, UpperEntries[k].Col, 7 + k, 0.5);
            Set(UpperEntries[k].Col, UpperEntries[k].Row, 7 + k, 0.5);
        }
        return map;
    }

    static double[] BuildComponentsToFlat()
    {
        var map = new double[10 * 9];
        void Set(int component, int row, int col, double value) => map[component * 9 + 3 * row + col] += value;
        for (int d = 0; d < 3; d++)
        {
            Set(0, d, d, 1);
            Set(4 + d, d, d, 1);
        }
        for (int k = 0; k < 3; k++)
        {
            Set(1 + k, SkewEntries[k].Row, SkewEntries[k].Col, 1);
            Set(1 + k, SkewEntries[k].Col, SkewEntries[k].Row, -1);
            Set(7 + k, UpperEntries[k].Row, UpperEntries[k].Col, 1);
            Set(7 + k, UpperEntries[k].Col, UpperEntries[k].Row, 1);
        }
        return map;
    }

    static Tensor IsotropicPart(Tensor x) =>
        x.diagonal(0, -1, -2).mean(new long[] { -1 }).unsqueeze(-1).unsqueeze(-1) * eye(3, 3, dtype: x.dtype, device: x.device);
}
