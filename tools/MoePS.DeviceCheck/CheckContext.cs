using System.Globalization;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.DeviceCheck;

/// <summary>What the steps share: the options, the device, the data folder, a graph cache, the time budget's deadline.</summary>
public sealed class CheckContext : IDisposable
{
    /// <summary>The smallest paper task (84 training rows): the paths step trains on it.</summary>
    public const string SmallTask = "jarvis_2d_gap_tbmbj";

    /// <summary>The extractors a smoke run mixes: the three the golden file has references for.</summary>
    static readonly string[] SmokeExtractors = { "mp_eform", "mp_bandgap", "jarvis_eform" };

    readonly string cacheFolder = Directory.CreateTempSubdirectory("moeps-device-check-").FullName;

    public CheckContext(CheckOptions options, DateTime deadline)
    {
        Options = options;
        Deadline = deadline;
        Device = ComputeDevice.Parse(options.Device);
        Cpu = ComputeDevice.Parse("cpu");
        GraphCache = new GraphCache(Path.Combine(cacheFolder, "graphs"));
        Elements = ElementFeatures.Load(DataPath(ElementFeatures.DefaultFileName));
    }

    public CheckOptions Options { get; }
    public CheckScale Scale => Options.Scale;
    public ComputeDevice Device { get; }
    public ComputeDevice Cpu { get; }
    public GraphCache GraphCache { get; }
    public ElementFeatures Elements { get; }
    public DateTime Deadline { get; }
    public TimeSpan Remaining => Deadline - DateTime.UtcNow;

    /// <summary>A scratch folder that is deleted when the check ends.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(cacheFolder, name)).FullName;

    /// <summary>The paper's 18 extractors (Full) or the golden file's three (Smoke).</summary>
    public IReadOnlyList<string> ExtractorNames => Scale == CheckScale.Full ? PaperExtractors.Names : SmokeExtractors;

    public string DataPath(params string[] parts) => Path.Combine(new[] { Options.DataFolder }.Concat(parts).ToArray());

    /// <summary>A paper task from the data folder with the paper's split for <paramref name="seed"/>.</summary>
    public CrystalDataset LoadTask(string task, int seed = 0) =>
        DatasetFile.Read(DataPath("tasks", task + ".json.gz")).Dataset.WithSplit(SplitFile.Read(DataPath("splits", $"seed{seed}.json"), task));

    /// <summary>Waits for the device's queued work, so that a clock read after it covers the work.</summary>
    public void Synchronize()
    {
        if (Device.Kind == "cuda") cuda.synchronize(Device.ToTorch());
    }

    public static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));

    public void Dispose() => Directory.Delete(cacheFolder, recursive: true);
}
