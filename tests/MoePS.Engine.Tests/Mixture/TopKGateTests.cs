using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

public class TopKGateTests
{
    public TopKGateTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void StartsUniformOverTheFirstKWhenAllThetaAreEqual()
    {
        var gate = new TopKGate(5, 2);
        Assert.Equal(new[] { 0, 1 }, gate.ActiveIndices());
        var s = gate.Scores().detach().data<float>().ToArray();
        Assert.Equal(new[] { 0.5f, 0.5f, 0f, 0f, 0f }, s);
    }

    [Fact]
    public void KeepsTheKLargestThetaAndMasksTheRestToExactZero()
    {
        var gate = new TopKGate(4, 2);
        using (no_grad()) gate.Theta.copy_(tensor(new float[] { 0.1f, 2f, -1f, 1f }));
        Assert.Equal(new[] { 1, 3 }, gate.ActiveIndices());
        var s = gate.Scores().detach().data<float>().ToArray();
        double e2 = Math.Exp(2), e1 = Math.Exp(1);
        Assert.Equal(0f, s[0]);
        Assert.Equal(0f, s[2]);
        Assert.Equal(e2 / (e1 + e2), s[1], 6);
        Assert.Equal(e1 / (e1 + e2), s[3], 6);
        Assert.Equal(1.0, s.Sum(), 6);
    }

    [Fact]
    public void RegulariserValueAndGradientMatchTheClosedForm()
    {
        var gate = new TopKGate(3, 3);
        using (no_grad()) gate.Theta.copy_(tensor(new float[] { 0.5f, 1f, 2f }));
        var scores = gate.Scores();
        var reg = TopKGate.Regulariser(scores, 0.01);
        reg.backward();

        double[] t = { 0.5, 1, 2 };
        double z = t.Sum(Math.Exp);
        double[] a = t.Select(x => Math.Exp(x) / z).ToArray();
        double q = a.Sum(x => x * x);
        Assert.Equal(0.01 * (q - 1) * (q - 1), reg.item<float>(), 6);
        // d/dθ_j of λ(q−1)² = λ·2(q−1)·Σ_i 2a_i·a_i(δ_ij − a_j) = 4λ(q−1)·a_j(a_j − q)
        var grad = gate.Theta.grad!.data<float>().ToArray();
        for (int j = 0; j < 3; j++)
            Assert.Equal(4 * 0.01 * (q - 1) * a[j] * (a[j] - q), grad[j], 6);
    }

    [Fact]
    public void MaskedExtractorsGetNoGradient()
    {
        var gate = new TopKGate(4, 2);
        using (no_grad()) gate.Theta.copy_(tensor(new float[] { 3f, 0f, 2f, 1f }));
        var s = gate.Scores();
        (s * tensor(new float[] { 1f, 2f, 3f, 4f })).sum().backward();
        var grad = gate.Theta.grad!.data<float>().ToArray();
        Assert.Equal(0f, grad[1]);
        Assert.Equal(0f, grad[3]);
        Assert.NotEqual(0f, grad[0]);
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 4)]
    [InlineData(0, 1)]
    public void RejectsImpossibleK(int m, int k)
    {
        Assert.ThrowsAny<ArgumentException>(() => new TopKGate(m, k));
    }
}
