using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Bench;

/// <summary>What the CGCNN benchmarks share: a paper task with its seed-0 split, CGCNN's element table, a throw-away graph cache.</summary>
internal sealed class CgcnnBenchData : IDisposable
{
    readonly string cacheFolder = Directory.CreateTempSubdirectory("moeps-bench-graphs-").FullName;

    public CgcnnBenchData(BenchContext context, string task)
    {
        Dataset = context.LoadTask(task);
        Elements = ElementFeatures.Load(context.PathOf(ElementFeatures.DefaultFileName));
        Cache = new GraphCache(cacheFolder);
    }

    public CrystalDataset Dataset { get; }
    public ElementFeatures Elements { get; }
    public GraphCache Cache { get; }
    public static ComputeDevice Cpu => ComputeDevice.Parse("cpu");

    public Extractor Train(TrainingOptions options, IProgress<EpochReport>? progress = null) =>
        ExtractorPretraining.Train(Dataset, options, device: Cpu, progress: progress, elements: Elements, graphCache: Cache);

    public string Describe() =>
        $"{Dataset.Name} seed-0 split {Dataset.Split!.Train.Length}/{Dataset.Split.Validation.Length}/{Dataset.Split.Test.Length}, " +
        $"{Cpu.Description}, {Environment.ProcessorCount} cores, load average {MachineState.LoadAverages()}";

    public void Dispose() => Directory.Delete(cacheFolder, recursive: true);
}

/// <summary>An IProgress that runs its handler on the reporting (training) thread, at once.</summary>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
