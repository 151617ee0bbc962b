using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Cluster;

/// <summary>
/// The folder beside a file that Slurm jobs write ("results.jsonl" → "results.jsonl.slurm/"): one
/// job-ID.json record per submission, the batch scripts and specs, logs/ (one log per array task)
/// and status/ (one exit-status file per finished array task, written by the batch script).
/// It must be on a file system that the login node and the compute nodes share.
/// </summary>
public sealed class SlurmJobFolder
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    SlurmJobFolder(string path) => Path = path;

    public string Path { get; }

    public string LogFolder => System.IO.Path.Combine(Path, "logs");

    public string StatusFolder => System.IO.Path.Combine(Path, "status");

    const string Suffix = ".slurm";

    /// <summary>The folder for jobs writing <paramref name="target"/>.</summary>
    public static SlurmJobFolder For(string target) => new(System.IO.Path.GetFullPath(target) + Suffix);

    /// <summary>The job folders of every file in <paramref name="directory"/> that Slurm jobs write (e.g. a checkpoint folder).</summary>
    public static IReadOnlyList<SlurmJobFolder> In(string directory) =>
        Directory.EnumerateDirectories(directory, "*" + Suffix).Order(StringComparer.Ordinal).Select(d => new SlurmJobFolder(d)).ToList();

    public void Create()
    {
        Directory.CreateDirectory(LogFolder);
        Directory.CreateDirectory(StatusFolder);
    }

    /// <summary>The sbatch --output pattern: one log per array task, appended to across requeues.</summary>
    public string LogPattern => System.IO.Path.Combine(LogFolder, "%A_%a.log");

    public string LogPath(string jobId, int task) => System.IO.Path.Combine(LogFolder, $"{jobId}_{Index(task)}.log");

    public string ExitStatusPath(string jobId, int task) => System.IO.Path.Combine(StatusFolder, $"{jobId}_{Index(task)}.exit");

    /// <summary>The exit status the batch script wrote when the task ended; null while it has not.</summary>
    public int? ReadExitStatus(string jobId, int task)
    {
        string path = ExitStatusPath(jobId, task);
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code)
            ? code
            : throw new SlurmException($"{path} holds '{text}', not an exit status.");
    }

    /// <summary>The last <paramref name="lines"/> non-empty lines of a task's log ("" when it has none).</summary>
    public string LogTail(string jobId, int task, int lines = 10)
    {
        string path = LogPath(jobId, task);
        if (!File.Exists(path)) return "";
        var tail = File.ReadLines(path).Where(l => l.Trim().Length > 0).TakeLast(lines);
        return string.Join(Environment.NewLine, tail);
    }

    /// <summary>A name for a new submission's script and spec, unique within the folder.</summary>
    public static string NewSubmissionName() =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..25];

    public string SpecPath(string submission) => System.IO.Path.Combine(Path, submission + ".spec.json");

    public string ScriptPath(string submission) => System.IO.Path.Combine(Path, submission + ".sh");

    public string RecordPath(string jobId) => System.IO.Path.Combine(Path, $"job-{jobId}.json");

    public void Save(SlurmJobRecord record) =>
        AtomicFile.WriteAllBytes(RecordPath(record.JobId), JsonSerializer.SerializeToUtf8Bytes(record, Json), overwrite: true);

    /// <summary>Every job submitted for this folder's file, oldest first; none when there is no folder.</summary>
    public IReadOnlyList<SlurmJobRecord> Records()
    {
        if (!Directory.Exists(Path)) return Array.Empty<SlurmJobRecord>();
        var records = new List<SlurmJobRecord>();
        foreach (string file in Directory.EnumerateFiles(Path, "job-*.json"))
        {
            try
            {
                records.Add(JsonSerializer.Deserialize<SlurmJobRecord>(File.ReadAllText(file), Json)
                    ?? throw new JsonException("the file holds null"));
            }
            catch (JsonException e)
            {
                throw new SlurmException($"{file} is not a MoePS job record: {e.Message}", e);
            }
        }
        return records.OrderBy(r => r.Submitted).ToList();
    }

    static string Index(int task) => task.ToString(CultureInfo.InvariantCulture);
}
