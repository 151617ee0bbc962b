using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests;

public class InferenceTests
{
    [Fact]
    public void ChunksRowsInOrderInEvalModeWithoutGradientsAndRestoresTraining()
    {
        TorchRuntime.EnsureLoaded();
        using var module = nn.Linear(2, 1);
        module.train();
        var seen = new List<(int[] Chunk, int Offset, bool Training, bool Grad)>();
        Inference.InChunks(module, Enumerable.Range(10, 10).ToArray(), 4,
            (chunk, offset) => seen.Add((chunk, offset, module.training, is_grad_enabled())));

        Assert.Equal(new[] { 0, 4, 8 }, seen.Select(s => s.Offset));
        Assert.Equal(Enumerable.Range(10, 10), seen.SelectMany(s => s.Chunk));
        Assert.All(seen, s => Assert.False(s.Training));
        Assert.All(seen, s => Assert.False(s.Grad));
        Assert.True(module.training);
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void AModuleInEvalModeStaysThereAndAFailingChunkStillRestoresTraining()
    {
        TorchRuntime.EnsureLoaded();
        using var module = nn.Linear(2, 1);
        module.eval();
        Inference.InChunks(module, new[] { 1, 2, 3 }, 2, (_, _) => { });
        Assert.False(module.training);

        module.train();
        Assert.Throws<InvalidOperationException>(() =>
            Inference.InChunks(module, new[] { 1, 2, 3 }, 2, (_, _) => throw new InvalidOperationException("boom")));
        Assert.True(module.training);
    }
}
