namespace MoePS.Engine.Runtime;

/// <summary>Where MoePS looks for the paper's data (tasks, splits, extractors) and keeps its caches.</summary>
public static class DataLocations
{
    public const string DataPathVariable = "MOEPS_DATA_PATH";
    public const string CachePathVariable = "MOEPS_CACHE_PATH";

    /// <summary>Data folders to search, in order: $MOEPS_DATA_PATH (may list several, ':'-separated), then the user cache.</summary>
    public static IReadOnlyList<string> DataFolders()
    {
        var folders = new List<string>();
        string? env = Environment.GetEnvironmentVariable(DataPathVariable);
        if (!string.IsNullOrWhiteSpace(env))
            folders.AddRange(env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        folders.Add(CacheFolder());
        return folders;
    }

    /// <summary>
    /// Why no data folder is configured ("$MOEPS_DATA_PATH is not set", or names no existing folder), or null when it names one.
    /// The user cache does not count: MoePS fills it with downloads, and the paper's tasks are not downloadable.
    /// </summary>
    public static string? MissingDataFolder()
    {
        string? env = Environment.GetEnvironmentVariable(DataPathVariable);
        if (string.IsNullOrWhiteSpace(env)) return $"${DataPathVariable} is not set";
        return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(Directory.Exists)
            ? null
            : $"${DataPathVariable} is '{env}', which names no existing folder";
    }

    /// <summary>The user cache: $MOEPS_CACHE_PATH, else $XDG_CACHE_HOME/moeps, else ~/.cache/moeps.</summary>
    public static string CacheFolder()
    {
        string? env = Environment.GetEnvironmentVariable(CachePathVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "moeps");
    }

    /// <summary>First existing file at <paramref name="relativePath"/> under the data folders, or null.</summary>
    public static string? Find(string relativePath) =>
        DataFolders().Select(f => Path.Combine(f, relativePath)).FirstOrDefault(File.Exists);
}
