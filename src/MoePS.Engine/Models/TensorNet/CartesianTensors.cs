using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// TensorNet's rank-2 Cartesian tensor algebra on [..., 3, 3] tensors: the split into scalar (I), skew (A) and symmetric
/// traceless (S) parts, the tensors built from a unit vector, the squared Frobenius norm and the per-channel linear map.
/// The operations and their order are MatGL's (matgl.utils.maths), so float32 rounding follows the reference closely.
/// </summary>
public static class CartesianTensors
{
    /// <summary>X = I + A + S with I = (tr X/3)·1, A = (X − Xᵀ)/2, S = (X + Xᵀ)/2 − I.</summary>
    public static (Tensor Scalar, Tensor Skew, Tensor Traceless) Decompose(Tensor x)
    {
        var scalar = IsotropicPart(x);
        var transposed = x.transpose(-2, -1);
        return (scalar, 0.5 * (x - transposed), 0.5 * (x + transposed) - scalar);
    }

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
        return 0.5 * (outer + outer.transpose(-2, -1)) - IsotropicPart(outer);
    }

    /// <summary>Σ_ab X_ab² over the last two axes (MatGL's tensor_norm: the squared Frobenius norm).</summary>
    public static Tensor SquaredNorm(Tensor x) => x.pow(2).sum(new long[] { -2, -1 });

    /// <summary>A bias-free linear map over the channel axis of [atoms, channels, 3, 3] tensors.</summary>
    public static Tensor MixChannels(Linear linear, Tensor x) => linear.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);

    /// <summary>Scales each channel's tensor by a per-channel factor: [n, channels] × [n, channels, 3, 3].</summary>
    public static Tensor Scale(Tensor factor, Tensor x) => factor.unsqueeze(-1).unsqueeze(-1) * x;

    /// <summary>MatGL's scatter_add: per-pair values summed onto the atom each pair names.</summary>
    public static Tensor SumOnto(Tensor atomOfPair, Tensor values, long atoms)
    {
        var shape = values.shape.ToArray();
        shape[0] = atoms;
        return zeros(shape, values.dtype, values.device).index_add(0, atomOfPair, values, 1);
    }

    static Tensor IsotropicPart(Tensor x) =>
        x.diagonal(0, -1, -2).mean(new long[] { -1 }).unsqueeze(-1).unsqueeze(-1) * eye(3, 3, dtype: x.dtype, device: x.device);
}
