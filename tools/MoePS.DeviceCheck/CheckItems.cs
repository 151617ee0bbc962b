using System.Diagnostics;

namespace MoePS.DeviceCheck;

/// <summary>The checks of one step, each timed and recorded; one that throws is recorded as failed and the next goes on.</summary>
public sealed class CheckItems
{
    readonly List<CheckItem> items = new();
    readonly CheckContext context;

    public CheckItems(CheckContext context) => this.context = context;

    public IReadOnlyList<CheckItem> Items => items;

    public bool AllPassed => items.All(i => i.Passed);

    /// <summary>
    /// Runs <paramref name="check"/>, which returns whether it held and what it found; records it as skipped (failed)
    /// when the time budget is spent.
    /// </summary>
    public void Run(string name, Func<(bool Passed, string Detail)> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (context.Remaining <= TimeSpan.Zero)
        {
            items.Add(new CheckItem(name, false, 0, "skipped: the time budget was spent"));
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var (passed, detail) = check();
            items.Add(new CheckItem(name, passed, clock.Elapsed.TotalSeconds, detail));
        }
#pragma warning disable CA1031 // a failing check is recorded and the next goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            items.Add(new CheckItem(name, false, clock.Elapsed.TotalSeconds, e.ToString()));
        }
        var last = items[^1];
        CheckContext.Log($"  {name}: {(last.Passed ? "ok" : "FAILED")} ({last.Seconds:F2} s) {last.Detail.Split('\n')[0]}");
    }
}
