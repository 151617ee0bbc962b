using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoePS.DeviceCheck;

/// <summary>
/// Runs the steps in order and writes one JSON file per step to the output folder: its status (passed, failed, or skipped
/// when the time budget was spent before it began), its times, and its details or error. A failing step does not stop the others.
/// </summary>
public static class StepRunner
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Runs every step; returns how many did not pass.</summary>
    public static int Run(IReadOnlyList<ICheckStep> steps, Func<CheckContext> createContext, CheckOptions options, DateTime deadline)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(createContext);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.OutFolder);
        CheckContext? context = null;
        int failed = 0;
        try
        {
            foreach (var step in steps)
            {
                var started = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                string status;
                object? details = null;
                string? error = null;
                if (DateTime.UtcNow >= deadline)
                    (status, error) = ("skipped", "the time budget was spent before the step began");
                else
                {
                    CheckContext.Log($"step {step.Name}");
                    try
                    {
                        context ??= createContext();
                        var outcome = step.Run(context);
                        (status, details) = (outcome.Passed ? "passed" : "failed", outcome.Details);
                    }
#pragma warning disable CA1031 // a failing step is recorded and the others go on
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        (status, error) = ("failed", e.ToString());
                    }
                }
                if (status != "passed") failed++;
                CheckContext.Log($"step {step.Name}: {status} in {clock.Elapsed.TotalSeconds:F1} s{(error != null ? ": " + error.Split('\n')[0] : "")}");
                var record = new
                {
                    step = step.Name, status, device = options.Device, scale = options.Scale, started, finished = DateTimeOffset.UtcNow,
                    seconds = clock.Elapsed.TotalSeconds, error, details,
                };
                File.WriteAllText(Path.Combine(options.OutFolder, step.Name + ".json"), JsonSerializer.Serialize(record, Json));
            }
        }
        finally
        {
            context?.Dispose();
        }
        return failed;
    }
}
