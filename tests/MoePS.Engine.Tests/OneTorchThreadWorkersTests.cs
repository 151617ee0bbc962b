using MoePS.Engine.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests;

public class OneTorchThreadWorkersTests
{
    [Fact]
    public void EachItemIsComputedOnceOnAThreadWithOneTorchThreadAndResultsKeepTheItemsOrder()
    {
        int before = get_num_threads();
        var items = Enumerable.Range(0, 40).ToList();
        int callers = Environment.CurrentManagedThreadId, calls = 0;
        var results = OneTorchThreadWorkers.Map(items, 3, i =>
        {
            Interlocked.Increment(ref calls);
            return (Square: i * i, Threads: get_num_threads(), OnCaller: Environment.CurrentManagedThreadId == callers);
        });

        Assert.Equal(items.Select(i => i * i), results.Select(r => r.Square));
        Assert.Equal(items.Count, calls);
        Assert.All(results, r => Assert.Equal((1, false), (r.Threads, r.OnCaller)));
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void TheFirstFailureStopsTheWorkersAndReachesTheCallerWithItsStack()
    {
        int before = get_num_threads(), started = 0;
        var e = Assert.Throws<InvalidDataException>(() => OneTorchThreadWorkers.Map(Enumerable.Range(0, 1000).ToList(), 2, i =>
        {
            Interlocked.Increment(ref started);
            return i == 5 ? throw new InvalidDataException("item 5 is bad") : i;
        }));
        Assert.Equal("item 5 is bad", e.Message);
        Assert.Contains(nameof(TheFirstFailureStopsTheWorkersAndReachesTheCallerWithItsStack), e.StackTrace);
        Assert.True(started < 1000, $"{started} items were started after the failure");
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void NoItemsNeedNoThreadAndAWorkerCountBelowOneIsRefused()
    {
        Assert.Empty(OneTorchThreadWorkers.Map(Array.Empty<int>(), 4, i => i));
        Assert.Throws<ArgumentOutOfRangeException>(() => OneTorchThreadWorkers.Map(new[] { 1 }, 0, i => i));
    }
}
