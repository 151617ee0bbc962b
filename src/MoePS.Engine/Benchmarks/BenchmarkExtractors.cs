using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The paper's extractors that a benchmark's TL and mixture runs use, each loaded once with
/// <see cref="ExtractorLibrary.Load"/> and shared by every run (runs never modify them).
/// </summary>
public sealed class BenchmarkExtractors : IDisposable
{
    readonly Dictionary<string, Extractor> loaded = new(StringComparer.Ordinal);
    readonly object sync = new();

    /// <summary>
    /// The extractors of a mixture that names none: the paper's extractors found locally, else
    /// all 18 (downloaded on first use).
    /// </summary>
    public static IReadOnlyList<string> DefaultNames()
    {
        var local = ExtractorLibrary.AvailableLocally();
        return local.Count > 0 ? local : PaperExtractors.Names;
    }

    /// <summary>The named extractors, in the order given, loading each the first time it is asked for.</summary>
    public IReadOnlyList<Extractor> Get(IReadOnlyList<string> names)
    {
        lock (sync)
        {
            return names.Select(name =>
            {
                if (!loaded.TryGetValue(name, out var e)) loaded[name] = e = ExtractorLibrary.Load(name);
                return e;
            }).ToList();
        }
    }

    /// <summary>Number of extractors loaded so far.</summary>
    public int Count
    {
        get { lock (sync) return loaded.Count; }
    }

    public void Dispose()
    {
        lock (sync)
        {
            foreach (var e in loaded.Values) e.Dispose();
            loaded.Clear();
        }
    }
}
