using System.Diagnostics;
using MoePS.Engine.Benchmarks;

namespace MoePS.DeviceCheck.Steps;

/// <summary>
/// The benchmark protocol of a plan (by default the paper's Table 3: 16 tasks × STL/TL/MoE-18 × 5 seeds, 1000 epochs,
/// patience 500) on the device through the engine's <see cref="BenchmarkRunner"/> (the seeds of a TL or MoE method packed, STL one by one), each finished
/// run appended to &lt;out&gt;/protocol.jsonl, until the plan is done or the time budget ends (the run in progress then
/// has no result). The details say exactly which runs finished.
/// </summary>
public sealed class ProtocolStep : ICheckStep
{
    /// <summary>Left of the budget for writing the step's file and the script's summary.</summary>
    static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    public string Name => "protocol";

    public StepOutcome Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string planPath = context.Options.PlanPath ?? throw new ArgumentException("The protocol step needs --plan.");
        string resultPath = Path.Combine(context.Options.OutFolder, "protocol.jsonl");
        var plan = ExperimentPlanReader.Load(planPath) with { Device = context.Device.Name, ResultPath = resultPath };
        var runs = plan.Runs().ToList();
        var store = new ResultStore(resultPath);
        using var trainer = new BenchmarkTrainer(new BenchmarkTasks(plan.SplitPath), context.Device, context.GraphCache);
        using var budget = new CancellationTokenSource(Max(TimeSpan.Zero, context.Remaining - Margin));
        var clock = Stopwatch.StartNew();
        var outcomes = new List<BenchmarkRunOutcome>();
        bool stoppedByBudget = false;
        try
        {
            foreach (var outcome in new BenchmarkRunner(store, trainer).Run(runs, cancellation: budget.Token))
            {
                outcomes.Add(outcome);
                CheckContext.Log($"  {outcome.Run.Task} {outcome.Run.Method} seed {outcome.Run.Seed}: {outcome.Status}" +
                    (outcome.Result is { } r ? $", test MAE {r.TestMAE:G4}, {r.Epochs} epochs, {r.Seconds:F1} s" : outcome.Error?.Message));
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            stoppedByBudget = true;
        }
        var failed = outcomes.Where(o => o.Status == BenchmarkRunStatus.Failed).ToList();
        var finished = outcomes.Where(o => o.Status == BenchmarkRunStatus.Finished).Select(o => o.Result!).ToList();
        return new StepOutcome(failed.Count == 0 && outcomes.Count > 0, new
        {
            plan = plan.Name,
            planFile = planPath,
            resultFile = resultPath,
            plannedRuns = runs.Count,
            finishedRuns = finished.Count,
            failedRuns = failed.Select(o => new { o.Run.Task, method = o.Run.Method.ToString(), o.Run.Seed, error = o.Error?.Message }),
            stoppedByBudget,
            seconds = clock.Elapsed.TotalSeconds,
            runs = finished.Select(r => new
            {
                r.Task, method = r.Method.ToString(), r.Seed, r.TopK, r.Epochs, r.BestEpoch, r.ValMAE, r.TestMAE, r.Seconds,
                secondsPerEpoch = r.Seconds / Math.Max(1, r.Epochs),
            }),
        });
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
