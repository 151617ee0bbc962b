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
        // Each item takes a millisecond, so the other worker would need about a second to start them all, where throwing and
        // recording the failure takes far less. (With instant items it could race through every one of them while the
        // failing thread was still unwinding: a 2-core CI run once saw all 1000 started.)
        var e = Assert.Throws<InvalidDataException>(() => OneTorchThreadWorkers.Map(Enumerable.Range(0, 1000).ToList(), 2, i =>
        {
            Interlocked.Increment(ref started);
            if (i == 5) throw new InvalidDataException("item 5 is bad");
            Thread.Sleep(1);
            return i;
        }));
        Assert.Equal("item 5 is bad", e.Message);
        Assert.Contains(nameof(TheFirstFailureStopsTheWorkersAndReachesTheCallerWithItsStack), e.StackTrace);
        Assert.True(started < 500, $"{started} items were started after the failure");
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void OneWorkerStartsNothingAfterTheFailingItem()
    {
        int started = 0;
        Assert.Throws<InvalidDataException>(() => OneTorchThreadWorkers.Map(Enumerable.Range(0, 100).ToList(), 1, i =>
        {
            Interlocked.Increment(ref started);
            return i == 5 ? throw new InvalidDataException("item 5 is bad") : i;
        }));
        Assert.Equal(6, started);
    }

    [Fact]
    public void NoItemsNeedNoThreadAndAWorkerCountBelowOneIsRefused()
    {
        Assert.Empty(OneTorchThreadWorkers.Map(Array.Empty<int>(), 4, i => i));
        Assert.Throws<ArgumentOutOfRangeException>(() => OneTorchThreadWorkers.Map(new[] { 1 }, 0, i => i));
    }
}
