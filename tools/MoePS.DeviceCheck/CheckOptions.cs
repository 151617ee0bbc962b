using System.Globalization;

namespace MoePS.DeviceCheck;

/// <summary>How big the checks are: Full on the GPU, Smoke for the CPU test of the unpacked kit (small task, few extractors, few epochs).</summary>
public enum CheckScale { Full, Smoke }

/// <summary>The command line of the device check.</summary>
public sealed record CheckOptions
{
    public string Device { get; init; } = "cuda";
    public string DataFolder { get; init; } = "";
    public string OutFolder { get; init; } = "";
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(7);
    public CheckScale Scale { get; init; } = CheckScale.Full;
    /// <summary>Step names to run, in the order the check defines; empty = all.</summary>
    public IReadOnlyList<string> Steps { get; init; } = Array.Empty<string>();
    /// <summary>The experiment plan (YAML) of the protocol step.</summary>
    public string? PlanPath { get; init; }

    public const string Usage =
        "MoePS.DeviceCheck --out DIR [--device cuda|cpu] [--data DIR] [--budget SECONDS] [--scale full|smoke] [--steps a,b,...] [--plan FILE.yaml]";

    /// <summary>Reads "--name value" pairs; the data folder defaults to data/ beside the kit's bin/, the plan to plans/paper-table3.yaml.</summary>
    public static CheckOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string kit = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
        var o = new CheckOptions { DataFolder = Path.Combine(kit, "data"), PlanPath = Path.Combine(kit, "plans", "paper-table3.yaml") };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value. Usage: {Usage}");
            string value = args[++i];
            o = name switch
            {
                "--device" => o with { Device = value },
                "--data" => o with { DataFolder = Path.GetFullPath(value) },
                "--out" => o with { OutFolder = Path.GetFullPath(value) },
                "--budget" => o with { Budget = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--scale" => o with { Scale = Enum.Parse<CheckScale>(value, ignoreCase: true) },
                "--steps" => o with { Steps = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--plan" => o with { PlanPath = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"Unknown option {name}. Usage: {Usage}"),
            };
        }
        if (o.OutFolder.Length == 0) throw new ArgumentException($"--out is required. Usage: {Usage}");
        return o;
    }
}
