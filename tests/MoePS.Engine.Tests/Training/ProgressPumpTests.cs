using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class ProgressPumpTests
{
    [Fact]
    public void ReportsArriveInOrderOnTheCallingThreadWhileTheWorkRunsElsewhere()
    {
        using var pump = new ProgressPump<int>();
        int caller = Environment.CurrentManagedThreadId, workerThread = -1;
        var seen = new List<(int Value, int Thread)>();
        string result = pump.Run((progress, _) =>
        {
            workerThread = Environment.CurrentManagedThreadId;
            for (int i = 1; i <= 50; i++) progress.Report(i);
            return "done";
        }, v => seen.Add((v, Environment.CurrentManagedThreadId)));

        Assert.Equal("done", result);
        Assert.NotEqual(caller, workerThread);
        Assert.Equal(Enumerable.Range(1, 50), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(caller, s.Thread));
    }

    [Fact]
    public void CancelFromAnotherThreadReachesTheWorksToken()
    {
        using var pump = new ProgressPump<int>();
        int steps = pump.Run((progress, token) =>
        {
            int n = 0;
            while (!token.IsCancellationRequested && n < 10_000)
            {
                progress.Report(++n);
                Thread.Sleep(1);
            }
            return n;
        }, v => { if (v == 5) ThreadPool.QueueUserWorkItem(_ => pump.Cancel()); });
        Assert.InRange(steps, 5, 9_999);
    }

    [Fact]
    public void TheWorksExceptionComesBackAsItself()
    {
        using var pump = new ProgressPump<int>();
        var e = Assert.Throws<InvalidOperationException>(() =>
            pump.Run<int>((progress, _) => { progress.Report(1); throw new InvalidOperationException("boom"); }, _ => { }));
        Assert.Equal("boom", e.Message);
    }

    [Fact]
    public void AFailingHandlerCancelsTheWorkAndWaitsForIt()
    {
        using var pump = new ProgressPump<int>();
        bool workEnded = false;
        Assert.Throws<TimeoutException>(() => pump.Run((progress, token) =>
        {
            try
            {
                while (!token.IsCancellationRequested) { progress.Report(1); Thread.Sleep(1); }
                return 0;
            }
            finally { workEnded = true; }
        }, _ => throw new TimeoutException("stopped")));
        Assert.True(workEnded);
    }
}
