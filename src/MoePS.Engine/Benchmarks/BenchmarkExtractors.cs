using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The experts that a benchmark's TL and mixture runs use (the paper's extractors, frozen experts such as TensorNet), each
/// loaded once with <see cref="ExpertLibrary.Load"/> and shared by every run (runs never modify them).
/// </summary>
public sealed class BenchmarkExtractors : IDisposable
{
    readonly Dictionary<string, IExpert> loaded = new(StringComparer.Ordinal);
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

    /// <summary>The named experts, in the order given, loading each the first time it is asked for.</summary>
    public IReadOnlyList<IExpert> Get(IReadOnlyList<string> names)
    {
        lock (sync)
        {
            return names.Select(name =>
            {
                if (!loaded.TryGetValue(name, out var e)) loaded[name] = e = ExpertLibrary.Load(name);
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
