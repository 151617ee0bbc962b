using System.Collections;
using System.Globalization;
using System.Text.Json.Serialization;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Gate score per extractor, in the gate's extractor order. Its text form is a short summary
/// ("4 of 18 active") so flat exports stay readable; <see cref="ToCompactString"/> lists the scores.
/// </summary>
[JsonConverter(typeof(GateScoreMapJsonConverter))]
public sealed class GateScoreDictionary : IReadOnlyDictionary<string, double>
{
    public static readonly GateScoreDictionary Empty = new(Array.Empty<KeyValuePair<string, double>>());

    readonly List<KeyValuePair<string, double>> ordered;
    readonly Dictionary<string, double> lookup;

    public GateScoreDictionary(IEnumerable<KeyValuePair<string, double>> scores)
    {
        ordered = scores.ToList();
        lookup = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, score) in ordered)
        {
            if (!lookup.TryAdd(name, score))
                throw new ArgumentException($"Extractor '{name}' has two gate scores.", nameof(scores));
        }
    }

    public double this[string key] => lookup[key];
    public IEnumerable<string> Keys => ordered.Select(p => p.Key);
    public IEnumerable<double> Values => ordered.Select(p => p.Value);
    public int Count => ordered.Count;
    public int ActiveCount => ordered.Count(p => p.Value > 0);
    public bool ContainsKey(string key) => lookup.ContainsKey(key);
    public bool TryGetValue(string key, out double value) => lookup.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ordered.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"mp_eform=0.41;jarvis_eform=0.3": non-zero scores, highest first, 4 decimals.</summary>
    public string ToCompactString() => string.Join(";", ordered
        .Where(p => p.Value > 0)
        .OrderByDescending(p => p.Value)
        .Select(p => p.Key + "=" + p.Value.ToString("0.####", CultureInfo.InvariantCulture)));

    public override string ToString() => Count == 0 ? "" : $"{ActiveCount} of {Count} active";
}
