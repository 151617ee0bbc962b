using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads the paper's split files (splits/seedK.json): {task: {"train": [...], "val": [...], "test": [...]}},
/// row indices into the dataset file's row order. A row in two parts, or twice in one, is refused (<see cref="SplitOverlap"/>).
/// </summary>
public static class SplitFile
{
    static readonly string[] Parts = { "train", "val", "test" };

    public static DatasetSplit Read(string path, string task) =>
        TryRead(path, task, out var tasks) ?? throw new CrystalFormatException(
            $"$: no split for task '{task}' (tasks: {string.Join(", ", tasks)}).", path);

    /// <summary>The split of <paramref name="task"/>, or null when the file has none for it (<paramref name="tasks"/> lists those it has).</summary>
    public static DatasetSplit? TryRead(string path, string task, out IReadOnlyList<string> tasks)
    {
        using (var doc = StructureFileOpener.ReadJson(path))
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new CrystalFormatException("$: expected an object keyed by task.", path);
            tasks = root.EnumerateObject().Select(p => p.Name).ToList();
            if (!root.TryGetProperty(task, out var parts)) return null;
            var named = Parts.Select(part => ($"$.{task}.{part}", Indices(parts, part, task, path))).ToArray();
            var problems = SplitOverlap.Problems(named);
            if (problems.Count > 0)
                throw new CrystalFormatException($"leaky split: {string.Join("; ", problems)}. Each row must be in one part, once.", path);
            return new DatasetSplit(named[0].Item2, named[1].Item2, named[2].Item2, $"{Path.GetFileName(path)}[{task}]");
        }
    }

    static int[] Indices(JsonElement parts, string part, string task, string path)
    {
        string where = $"$.{task}.{part}";
        if (parts.ValueKind != JsonValueKind.Object || !parts.TryGetProperty(part, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new CrystalFormatException($"{where}: missing (expected an array of row indices).", path);
        var result = new int[list.GetArrayLength()];
        int i = 0;
        foreach (var v in list.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int index) || index < 0)
                throw new CrystalFormatException($"{where}[{i}]: '{v.GetRawText()}' is not a row index.", path);
            result[i++] = index;
        }
        return result;
    }
}
