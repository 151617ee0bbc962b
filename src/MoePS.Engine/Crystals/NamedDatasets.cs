using MoePS.Engine.Runtime;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Datasets by name: the paper's task keys (tasks/&lt;key&gt;.json.gz under $MOEPS_DATA_PATH or the cache) and the
/// Matbench v0.1 sets (found in the data folders, else downloaded once into the cache).
/// </summary>
public static class NamedDatasets
{
    public const string TasksFolder = "tasks";

    /// <summary>Task keys found in the data folders, sorted.</summary>
    public static IReadOnlyList<string> TaskKeys() =>
        DataLocations.DataFolders()
            .Select(f => Path.Combine(f, TasksFolder))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.json.gz"))
            .Select(StructureFileOpener.Stem)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToList();

    /// <summary>Every name <see cref="Read"/> accepts here: task keys found, then the Matbench sets.</summary>
    public static IReadOnlyList<string> KnownNames() =>
        TaskKeys().Concat(MatbenchCatalog.All.Select(m => m.Name)).Distinct().ToList();

    /// <summary>Path of the named dataset's file, downloading a Matbench set when needed (<paramref name="download"/> gets its progress).</summary>
    public static string Locate(string name, IProgress<DownloadProgress>? download = null, CancellationToken cancel = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(".."))
            throw new ArgumentException($"'{name}' is not a dataset name.", nameof(name));
        if (DataLocations.Find(Path.Combine(TasksFolder, name + ".json.gz")) is { } task) return task;
        if (MatbenchCatalog.Find(name) is { } source)
            return DatasetDownloader.Ensure(source, DataLocations.DataFolders(), DataLocations.CacheFolder(), progress: download, cancel: cancel);
        throw new ArgumentException(UnknownName(name), nameof(name));
    }

    static string UnknownName(string name)
    {
        string known = $"Unknown dataset '{name}'. Known here: {string.Join(", ", KnownNames())}.";
        if (DataLocations.MissingDataFolder() is not { } missing)
            return $"{known} The paper's task keys are found as {TasksFolder}/<key>.json.gz under ${DataLocations.DataPathVariable}.";
        return $"{known} No data folder is configured: {missing}. The paper's tasks (expt_eform, jarvis_2d_exfoliation, ...) cannot be downloaded; " +
            $"set ${DataLocations.DataPathVariable} to a folder that holds {TasksFolder}/<key>.json.gz (the paper's task files, with {TasksFolder}/{TaskIndex.FileName} " +
            "for their target names and units) and splits/seed0.json ... seed4.json (the paper's splits).";
    }

    public static DatasetReadResult Read(string name, DatasetReadOptions? options = null, CancellationToken cancel = default) =>
        Read(name, options, download: null, cancel);

    /// <summary>Reads the named dataset; <paramref name="download"/> gets the progress of a Matbench set's download.</summary>
    public static DatasetReadResult Read(string name, DatasetReadOptions? options, IProgress<DownloadProgress>? download, CancellationToken cancel = default)
    {
        options ??= new DatasetReadOptions();
        string path = Locate(name, download, cancel);
        var source = MatbenchCatalog.Find(name);
        return MatminerDatasetReader.Read(path, options with
        {
            Name = options.Name ?? source?.Name ?? name,
            Unit = options.Unit ?? source?.Unit,
        });
    }
}
