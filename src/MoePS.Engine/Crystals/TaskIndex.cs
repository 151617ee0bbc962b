using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>Looks up a dataset file's task metadata in the index.json beside it.</summary>
public static class TaskIndex
{
    public const string FileName = "index.json";

    /// <summary>The entry for <paramref name="key"/> in <paramref name="folder"/>/index.json, or null when there is none.</summary>
    public static TaskInfo? Find(string folder, string key)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            if (!doc.RootElement.TryGetProperty("tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Object
                || !tasks.TryGetProperty(key, out var task) || task.ValueKind != JsonValueKind.Object)
                return null;
            return new TaskInfo(key, Text(task, "target_name"), Text(task, "unit"));
        }
        catch (JsonException e)
        {
            throw new CrystalFormatException($"malformed task index: {e.Message}", path, (int?)e.LineNumber + 1, e);
        }
    }

    static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
