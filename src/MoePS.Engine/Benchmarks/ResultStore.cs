using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Benchmark results in a JSON Lines file, one result per line. Each run is appended, flushed and
/// synced to disk as it finishes, so a killed benchmark loses at most the line being written; a
/// truncated last line is ignored on reading and cut off before the next append. Several writers
/// may share the file: appends hold an exclusive lock (readers a shared one), so lines are never
/// torn or interleaved, an append never adds a second line for a run, and <see cref="Claims"/>
/// lets each writer claim a run before it starts.
/// </summary>
public sealed class ResultStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter<LearningMethod>(allowIntegerValues: false) },
    };

    /// <param name="path">The JSON Lines file.</param>
    /// <param name="claimsStaleAfter">How long another host's untouched claim lives (<see cref="RunClaims.DefaultStaleAfter"/>).</param>
    public ResultStore(string path, TimeSpan? claimsStaleAfter = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        Claims = new RunClaims(Path + ".claims", claimsStaleAfter);
    }

    public string Path { get; }

    /// <summary>The writers' claims on runs of this file, in the folder "&lt;file&gt;.claims".</summary>
    public RunClaims Claims { get; }

    /// <summary>All complete results in file order; none when the file doesn't exist.</summary>
    public IReadOnlyList<BenchmarkResult> ReadAll() => Read(out _);

    /// <summary>
    /// All complete results, each marked <see cref="BenchmarkResult.FromResultFile"/>;
    /// <paramref name="truncatedTail"/> tells whether an unfinished last line (a process killed
    /// mid-write) was skipped. A bad line elsewhere is an error naming the line.
    /// </summary>
    public IReadOnlyList<BenchmarkResult> Read(out bool truncatedTail)
    {
        truncatedTail = false;
        var results = new List<BenchmarkResult>();
        string? text = ReadText();
        if (text == null) return results;
        string[] lines = text.Split('\n');
        // After the final newline Split yields one more (empty or unterminated) piece.
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            bool unterminated = i == lines.Length - 1;
            try
            {
                var result = Parse(line);
                result.Origin = $"{Path}:{i + 1}";
                results.Add(result);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                if (unterminated) { truncatedTail = true; continue; }
                throw new ResultFileException(Path, i + 1, "not a benchmark result: " + e.Message, e);
            }
        }
        return results;
    }

    /// <summary>The file's result for the run <paramref name="key"/> (the last, if there are several), or null.</summary>
    public BenchmarkResult? Find(BenchmarkRunKey key) => ReadAll().LastOrDefault(r => r.GetKey() == key);

    /// <summary>Keys of the runs already in the file, for skipping them on a rerun.</summary>
    public HashSet<BenchmarkRunKey> FinishedKeys() => ReadAll().Select(r => r.GetKey()).ToHashSet();

    /// <summary>
    /// Appends one result and forces it to disk before returning, unless the file already has a
    /// result for its run (another writer's, which is kept): then it returns false.
    /// </summary>
    public bool Append(BenchmarkResult result)
    {
        Validate(result);
        string? folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(result, Json) + "\n");
        lock (LockedFile.ProcessLock(Path))
        {
            using var stream = LockedFile.Open(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            EndWithNewline(stream);
            if (Contains(stream, result.GetKey())) return false;
            stream.Seek(0, SeekOrigin.End);
            stream.Write(line);
            stream.Flush(flushToDisk: true);
            return true;
        }
    }

    /// <summary>The whole file under a shared lock (no append is half done), or null when there is none.</summary>
    string? ReadText()
    {
        try
        {
            lock (LockedFile.ProcessLock(Path))
            {
                using var stream = LockedFile.Open(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return reader.ReadToEnd();
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whether a line of the file is a result for <paramref name="key"/> (lines that aren't results are skipped).</summary>
    static bool Contains(FileStream stream, BenchmarkRunKey key)
    {
        stream.Seek(0, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim().Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<StoredKey>(line, Json) is { } stored
                    && new BenchmarkRunKey(stored.Task, stored.Method, stored.Seed, stored.ConfigHash) == key)
                    return true;
            }
            catch (JsonException)
            {
                // Not a result (reading the file reports it); in any case not this run's.
            }
        }
        return false;
    }

    /// <summary>The key fields of a stored result, read without the rest of the line.</summary>
    sealed record StoredKey(string Task, LearningMethod Method, int Seed, string ConfigHash);

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
        r.FromResultFile = true;
        return r;
    }

    static void Validate(BenchmarkResult r)
    {
        if (string.IsNullOrWhiteSpace(r.Task)) throw new ArgumentException("the result has no Task.");
        if (!Enum.IsDefined(r.Method)) throw new ArgumentException($"the result for '{r.Task}' has no valid Method.");
    }
}
