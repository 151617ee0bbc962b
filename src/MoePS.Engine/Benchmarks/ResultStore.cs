using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoePS.Engine.Models;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Benchmark results in a JSON Lines file, one result per line. Each run is appended, flushed and
/// synced to disk as it finishes, so a killed benchmark loses at most the line being written; a
/// truncated last line is ignored on reading and cut off before the next append.
/// </summary>
public sealed class ResultStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter<LearningMethod>(allowIntegerValues: false) },
    };

    public ResultStore(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    /// <summary>All complete results in file order; none when the file doesn't exist.</summary>
    public IReadOnlyList<BenchmarkResult> ReadAll() => Read(out _);

    /// <summary>
    /// All complete results; <paramref name="truncatedTail"/> tells whether an unfinished last line
    /// (a process killed mid-write) was skipped. A bad line elsewhere is an error naming the line.
    /// </summary>
    public IReadOnlyList<BenchmarkResult> Read(out bool truncatedTail)
    {
        truncatedTail = false;
        var results = new List<BenchmarkResult>();
        if (!File.Exists(Path)) return results;
        string text = File.ReadAllText(Path, Encoding.UTF8);
        string[] lines = text.Split('\n');
        // After the final newline Split yields one more (empty or unterminated) piece.
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            bool unterminated = i == lines.Length - 1;
            try
            {
                results.Add(Parse(line));
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                if (unterminated) { truncatedTail = true; continue; }
                throw new ResultFileException(Path, i + 1, "not a benchmark result: " + e.Message, e);
            }
        }
        return results;
    }

    /// <summary>Keys of the runs already in the file, for skipping them on a rerun.</summary>
    public HashSet<BenchmarkRunKey> FinishedKeys() => ReadAll().Select(r => r.GetKey()).ToHashSet();

    /// <summary>Appends one result and forces it to disk before returning.</summary>
    public void Append(BenchmarkResult result)
    {
        Validate(result);
        string? folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(result, Json) + "\n");
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        EndWithNewline(stream);
        stream.Seek(0, SeekOrigin.End);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Ends the file with a newline: a complete last line without one gets it, a partial line
    /// (left by a killed writer) is cut off, so the next result starts on a line of its own.
    /// </summary>
    static void EndWithNewline(FileStream stream)
    {
        long length = stream.Length;
        long start = length;
        var one = new byte[1];
        while (start > 0)
        {
            stream.Seek(start - 1, SeekOrigin.Begin);
            stream.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            start--;
        }
        if (start == length) return;
        var tail = new byte[length - start];
        stream.Seek(start, SeekOrigin.Begin);
        stream.ReadExactly(tail);
        if (IsResult(Encoding.UTF8.GetString(tail)))
        {
            stream.Seek(0, SeekOrigin.End);
            stream.WriteByte((byte)'\n');
        }
        else
        {
            stream.SetLength(start);
        }
    }

    static bool IsResult(string line)
    {
        if (line.Trim().Length == 0) return false;
        try { Parse(line.TrimEnd('\r')); return true; }
        catch (Exception e) when (e is JsonException or ArgumentException) { return false; }
    }

    static BenchmarkResult Parse(string line)
    {
        var r = JsonSerializer.Deserialize<BenchmarkResult>(line, Json)
            ?? throw new JsonException("the line is null");
        Validate(r);
        return r;
    }

    static void Validate(BenchmarkResult r)
    {
        if (string.IsNullOrWhiteSpace(r.Task)) throw new ArgumentException("the result has no Task.");
        if (!Enum.IsDefined(r.Method)) throw new ArgumentException($"the result for '{r.Task}' has no valid Method.");
    }
}
