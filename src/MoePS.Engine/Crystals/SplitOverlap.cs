using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Finds the rows a split uses more than once: in two parts (a leak, e.g. a test row that is also trained on)
/// or twice within one part (a row weighted double).
/// </summary>
public static class SplitOverlap
{
    /// <summary>How many rows a message lists before "… (N in all)".</summary>
    const int Listed = 5;

    /// <summary>
    /// One phrase per problem, e.g. "'train' and 'test' share rows 3, 17"; empty when every row is in
    /// at most one part, once.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<(string Name, int[] Rows)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var problems = new List<string>();
        var owner = new Dictionary<int, int>();
        var shared = new SortedDictionary<(int First, int Second), List<int>>();
        for (int p = 0; p < parts.Count; p++)
        {
            var seen = new HashSet<int>();
            var twice = new List<int>();
            foreach (int row in parts[p].Rows)
            {
                if (!seen.Add(row)) { twice.Add(row); continue; }
                if (owner.TryAdd(row, p)) continue;
                var key = (owner[row], p);
                if (!shared.TryGetValue(key, out var rows)) shared[key] = rows = new List<int>();
                rows.Add(row);
            }
            if (twice.Count > 0) problems.Add($"'{parts[p].Name}' lists {Rows(twice.Distinct().ToList())} more than once");
        }
        foreach (var ((first, second), rows) in shared)
            problems.Add($"'{parts[first].Name}' and '{parts[second].Name}' share {Rows(rows)}");
        return problems;
    }

    /// <summary>The problems of a split's train, validation and test rows (see <see cref="Problems(IReadOnlyList{ValueTuple{string, int[]}})"/>).</summary>
    public static IReadOnlyList<string> Problems(DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        return Problems(new[] { ("train", split.Train), ("validation", split.Validation), ("test", split.Test) });
    }

    static string Rows(List<int> rows)
    {
        var sorted = rows.Order().ToList();
        string listed = string.Join(", ", sorted.Take(Listed).Select(r => r.ToString(CultureInfo.InvariantCulture)));
        string more = sorted.Count > Listed ? string.Create(CultureInfo.InvariantCulture, $", … ({sorted.Count} rows in all)") : "";
        return $"row{(sorted.Count == 1 ? "" : "s")} {listed}{more}";
    }
}
