using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The datasets of a benchmark, split for a seed: the paper's split (seedK.json) where the split
/// file has the task, else a random 70/15/15 split by the seed (<see cref="RandomSplit"/>).
/// Tasks are datasets given by the caller, or names read with <see cref="NamedDatasets"/>; the
/// last one read is kept, since a plan runs a task's methods and seeds one after another.
/// </summary>
public sealed class BenchmarkTasks
{
    readonly Dictionary<string, CrystalDataset> given = new(StringComparer.Ordinal);
    readonly string? splitFolder;
    CrystalDataset? lastRead;
    int lastReadSkipped;

    /// <param name="splitFolder">Folder of seedK.json files; null = splits/ under the data folders (random splits when there is none).</param>
    /// <param name="datasets">Datasets to use for the tasks of the same names, instead of reading them by name.</param>
    public BenchmarkTasks(string? splitFolder = null, IEnumerable<CrystalDataset>? datasets = null)
    {
        this.splitFolder = splitFolder == null ? null : Path.GetFullPath(splitFolder);
        foreach (var d in datasets ?? Array.Empty<CrystalDataset>())
            if (!given.TryAdd(d.Name, d))
                throw new ArgumentException($"Two datasets are named '{d.Name}'; a benchmark tells tasks apart by name.", nameof(datasets));
    }

    /// <summary>The task's dataset with the split of <paramref name="seed"/> (any split it had is replaced).</summary>
    public CrystalDataset Load(string task, int seed, CancellationToken cancellation = default)
    {
        var (dataset, skipped) = Dataset(task, cancellation);
        var paperSplit = PaperSplit(dataset.Name, seed);
        if (paperSplit != null && skipped > 0)
            throw new InvalidDataException(
                $"Task '{task}' has {skipped} row(s) without a target, so the row indices of its split ({paperSplit.Origin}) no longer match. Fix the file or pass the dataset itself.");
        return dataset.WithSplit(paperSplit ?? RandomSplit.Create(dataset.Count, seed));
    }

    /// <summary>The split of <paramref name="task"/> in seedK.json, or null when there is no such file (default folder only) or it lacks the task.</summary>
    DatasetSplit? PaperSplit(string task, int seed)
    {
        string file = $"seed{seed}.json";
        string? path = splitFolder != null
            ? Path.Combine(splitFolder, file)
            : DataLocations.Find(Path.Combine("splits", file));
        if (splitFolder != null && !File.Exists(path))
            throw new FileNotFoundException($"Split file '{path}' not found: the split folder needs seed<K>.json for every seed run.", path);
        return path == null ? null : SplitFile.TryRead(path, task, out _);
    }

    (CrystalDataset Dataset, int Skipped) Dataset(string task, CancellationToken cancellation)
    {
        if (given.TryGetValue(task, out var dataset)) return (dataset, 0);
        if (lastRead?.Name != task)
        {
            var read = NamedDatasets.Read(task, new DatasetReadOptions { Name = task }, cancellation);
            (lastRead, lastReadSkipped) = (read.Dataset, read.SkippedRows);
        }
        return (lastRead, lastReadSkipped);
    }
}
