using System.Globalization;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models;

namespace MoePS.Engine.Cluster;

/// <summary>
/// What a sharded prediction does: array task k predicts the structure files of <see cref="Shards"/>[k]
/// with the models saved at submission and writes its rows to <see cref="ShardPath"/>(k); the shards,
/// merged in order, become <see cref="OutputPath"/>: one row per structure, in input order.
/// </summary>
/// <param name="ModelPaths">The models, saved into the job folder at submission (several are averaged).</param>
/// <param name="Shards">The structure files of each shard: consecutive slices of the input, in order.</param>
/// <param name="Device">cpu, cuda, cuda:N, or auto: each node's first GPU, else its CPU.</param>
/// <param name="OutputPath">The merged CSV.</param>
/// <param name="ShardFolder">Where each shard's CSV goes.</param>
/// <param name="Force">Also predict structures with atoms that have no neighbour within the graph radius (refused otherwise, as locally).</param>
public sealed record PredictionArraySpec(IReadOnlyList<string> ModelPaths, IReadOnlyList<IReadOnlyList<string>> Shards, string Device,
    string OutputPath, string ShardFolder, bool Force) : SlurmJobSpec(Device)
{
    const string SpecSuffix = ".spec.json";

    /// <summary>
    /// Saves the models beside <paramref name="specPath"/> and writes the spec for
    /// <paramref name="shards"/> slices of <paramref name="files"/> there.
    /// </summary>
    public static PredictionArraySpec Create(string specPath, IReadOnlyList<IPropertyModel> models, IReadOnlyList<string> files, int shards,
        string device, string outputPath, bool force)
    {
        ArgumentNullException.ThrowIfNull(specPath);
        ArgumentNullException.ThrowIfNull(models);
        string stem = specPath.EndsWith(SpecSuffix, StringComparison.Ordinal) ? specPath[..^SpecSuffix.Length] : specPath;
        var modelPaths = models.Select((m, i) => ModelFile.Write(m, string.Create(CultureInfo.InvariantCulture, $"{stem}.model{i}"))).ToList();
        var spec = new PredictionArraySpec(modelPaths, Slice(files, shards), device, Path.GetFullPath(outputPath), stem + ".shards", force);
        spec.Save(specPath);
        return spec;
    }

    /// <summary><paramref name="count"/> consecutive slices as equal as can be (none empty: fewer when there are fewer files).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Slice(IReadOnlyList<string> files, int count)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (files.Count == 0) throw new ArgumentException("There are no structure files to predict.", nameof(files));
        count = Math.Min(count, files.Count);
        var slices = new List<IReadOnlyList<string>>(count);
        for (int k = 0; k < count; k++)
        {
            int start = (int)((long)files.Count * k / count), end = (int)((long)files.Count * (k + 1) / count);
            slices.Add(files.Skip(start).Take(end - start).ToList());
        }
        return slices;
    }

    public string ShardPath(int shard) => Path.Combine(ShardFolder, string.Create(CultureInfo.InvariantCulture, $"shard-{shard:D5}.csv"));

    public IReadOnlyList<string> ShardPaths() => Enumerable.Range(0, Shards.Count).Select(ShardPath).ToList();

    /// <summary>The label of a shard, as its child job shows it.</summary>
    public string Label(int shard)
    {
        var files = Shards[shard];
        return files.Count == 1 ? Path.GetFileName(files[0]) : $"{Path.GetFileName(files[0])} … {Path.GetFileName(files[^1])} ({files.Count} files)";
    }

    public static PredictionArraySpec Load(string path) => Load<PredictionArraySpec>(path, "prediction");
}
