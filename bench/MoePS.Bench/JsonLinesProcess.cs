using System.Diagnostics;
using System.Text.Json;

namespace MoePS.Bench;

/// <summary>
/// Runs a child process whose results are JSON objects, one a line, on standard output (other output lines are
/// ignored); its standard error is kept only to explain a failure.
/// </summary>
internal static class JsonLinesProcess
{
    const int ErrorLinesKept = 30;

    public static IReadOnlyList<JsonElement> Run(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var errors = new Queue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.Enqueue(e.Data);
                if (errors.Count > ErrorLinesKept) errors.Dequeue();
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var records = new List<JsonElement>();
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith('{')) records.Add(JsonDocument.Parse(line).RootElement.Clone());
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string tail;
            lock (errors) tail = string.Join(Environment.NewLine, errors);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode}:{Environment.NewLine}{tail}");
        }
        return records;
    }

    /// <summary>An epoch line ({"seconds", "minflt", "majflt"}, and "trims" from MoePS's side) as a sample.</summary>
    public static EpochSample Epoch(JsonElement record) =>
        new(record.GetProperty("seconds").GetDouble(), new PageFaults(record.GetProperty("minflt").GetInt64(), record.GetProperty("majflt").GetInt64()),
            record.TryGetProperty("trims", out var trims) ? trims.GetInt32() : 0);
}
