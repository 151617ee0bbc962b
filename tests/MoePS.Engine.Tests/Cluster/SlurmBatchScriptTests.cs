using System.Diagnostics;
using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

/// <summary>The batch script run by bash as Slurm would run it (its environment), without Slurm.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlurmBatchScriptTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-batch-").FullName;
    readonly SlurmJobFolder folder;

    public SlurmBatchScriptTests()
    {
        folder = SlurmJobFolder.For(Path.Combine(root, "results.jsonl"));
        folder.Create();
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void WritesTheWorksExitStatusForItsTaskAndExitsWithIt()
    {
        using var script = Start(new[] { "bash", "-c", "echo working; exit 3" }, requeueOnSignal: false);
        Assert.True(script.WaitForExit(20_000));
        Assert.Equal(3, script.ExitCode);
        Assert.Equal(3, folder.ReadExitStatus("41", 2));
        Assert.Null(folder.ReadExitStatus("41", 1));
        string output = script.StandardOutput.ReadToEnd();
        Assert.Contains("MoePS: task 41_2 started", output, StringComparison.Ordinal);
        Assert.Contains("working", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PassesEveryArgumentThroughUnchanged()
    {
        string weird = "it's a 'test' with $HOME, `ticks` and \"quotes\"";
        string written = Path.Combine(root, "arg's.txt");
        using var script = Start(new[] { "bash", "-c", "printf '%s' \"$1\" > \"$2\"", "bash", weird, written }, requeueOnSignal: false);
        Assert.True(script.WaitForExit(20_000));
        Assert.Equal(0, script.ExitCode);
        Assert.Equal(weird, File.ReadAllText(written));
    }

    [Fact]
    public void PassesSigtermOnToTheWork()
    {
        string started = Path.Combine(root, "started");
        using var script = Start(new[] { "bash", "-c", $"touch '{started}'; exec sleep 30" }, requeueOnSignal: false);
        WaitForFile(started); // the script sets its traps before it starts the work
        Signal("TERM", script.Id);
        Assert.True(script.WaitForExit(10_000), "the script did not end after SIGTERM");
        Assert.Equal(SlurmBatchScript.TerminatedExitCode, folder.ReadExitStatus("41", 2));
    }

    [Fact]
    public void OnTheCheckpointSignalRequeuesTheTaskOnceTheWorkHasSavedItsCheckpoint()
    {
        string started = Path.Combine(root, "started"), calls = Path.Combine(root, "scontrol.calls");
        string bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        string fake = Path.Combine(bin, "scontrol");
        File.WriteAllText(fake, $"#!/bin/bash\necho \"$@\" >> '{calls}'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string work = $"trap 'exit {SlurmBatchScript.CheckpointedExitCode}' TERM; touch '{started}'; while :; do sleep 0.1; done";
        using var script = Start(new[] { "bash", "-c", work }, requeueOnSignal: true, path: bin);
        WaitForFile(started);
        Signal("USR1", script.Id);
        Assert.True(script.WaitForExit(10_000), "the script did not end after SIGUSR1");
        Assert.Equal(0, script.ExitCode);
        Assert.Equal("requeue 977", File.ReadAllText(calls).Trim());
        Assert.Null(folder.ReadExitStatus("41", 2));
    }

    Process Start(string[] command, bool requeueOnSignal, string? path = null)
    {
        string file = Path.Combine(root, "task.sh");
        File.WriteAllText(file, SlurmBatchScript.Create(command, folder, requeueOnSignal, "test job"));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(file);
        start.Environment["SLURM_ARRAY_JOB_ID"] = "41";
        start.Environment["SLURM_ARRAY_TASK_ID"] = "2";
        start.Environment["SLURM_JOB_ID"] = "977";
        if (path != null) start.Environment["PATH"] = path + Path.PathSeparator + start.Environment["PATH"];
        return Process.Start(start)!;
    }

    static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", new[] { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        kill.WaitForExit();
    }

    static void WaitForFile(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"{path} did not appear.");
            Thread.Sleep(20);
        }
    }
}
