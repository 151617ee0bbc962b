using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

public class GraphBatchBuilderTests
{
    static readonly List<MoePS.Engine.Crystals.Crystal> Crystals =
        Enum.GetValues<RandomCrystals.Shape>().SelectMany(shape => Enumerable.Range(0, 8).Select(s => RandomCrystals.Make(shape, 300 + s))).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void EveryDegreeOfParallelismGivesTheSequentialGraphsInOrder(int threads)
    {
        int reported = 0;
        var progress = new SynchronousProgress(n => Interlocked.Increment(ref reported));
        var graphs = GraphBatchBuilder.BuildAll(Crystals, GraphSettings.Default, threads, progress: progress);
        Assert.Equal(Crystals.Count, graphs.Length);
        Assert.Equal(Crystals.Count, reported);
        for (int i = 0; i < Crystals.Count; i++)
            GraphCacheTests.AssertEqual(GraphBuilder.Build(Crystals[i], GraphSettings.Default), graphs[i]);
    }

    [Fact]
    public void RejectsZeroThreads() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GraphBatchBuilder.BuildAll(Crystals, GraphSettings.Default, 0));

    [Fact]
    public void StopsWhenCancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => GraphBatchBuilder.BuildAll(Crystals, GraphSettings.Default, 1, cancellationToken: cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => GraphBatchBuilder.BuildAll(Crystals, GraphSettings.Default, 2, cancellationToken: cancel.Token));
    }

    sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
