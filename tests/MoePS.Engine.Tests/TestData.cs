using MoePS.Engine.Runtime;

namespace MoePS.Engine.Tests;

/// <summary>
/// The shared data folder: $MOEPS_DATA_PATH, else ../shared/data beside the repository.
/// A test that needs it fails (never skips) when it is missing.
/// </summary>
public static class TestData
{
    static readonly Lazy<string?> Root = new(Locate);

    public static string Folder => Root.Value ?? throw new InvalidOperationException(
        $"The shared data folder was not found: set {DataLocations.DataPathVariable} or put ../shared/data beside the repository.");

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Folder }.Concat(parts).ToArray());

    static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable(DataLocations.DataPathVariable);
        if (!string.IsNullOrWhiteSpace(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MoePS.sln"))) dir = dir.Parent;
        if (dir?.Parent == null) return null;
        string candidate = Path.Combine(dir.Parent.FullName, "shared", "data");
        return Directory.Exists(candidate) ? candidate : null;
    }
}
