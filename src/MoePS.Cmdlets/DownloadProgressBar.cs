using System.Management.Automation;
using MoePS.Engine.Runtime;

namespace MoePS.Cmdlets;

/// <summary>
/// Shows an engine download as Write-Progress: "12.3 of 45.6 MB, 2.1 MB/s", the percentage and the time
/// left. The engine reports on the thread that called it, here the cmdlet's own, as WriteProgress
/// requires. Dispose closes the bar if one was shown.
/// </summary>
internal sealed class DownloadProgressBar(Cmdlet cmdlet, int activityId = 2) : IProgress<DownloadProgress>, IDisposable
{
    string? activity;

    public void Report(DownloadProgress value)
    {
        activity = $"Downloading {value.Url}";
        cmdlet.WriteProgress(new ProgressRecord(activityId, activity, $"{value} → {value.Target}")
        {
            PercentComplete = value.PercentComplete,
            SecondsRemaining = value.Remaining is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1,
        });
    }

    public void Dispose()
    {
        if (activity == null) return;
        try
        {
            cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the pipeline takes no more output, and the bar goes with it.
        }
    }
}
