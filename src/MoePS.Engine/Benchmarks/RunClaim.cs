using System.Text.Json;

namespace MoePS.Engine.Benchmarks;

/// <summary>A claim held on one run: kept fresh while held, removed on dispose.</summary>
public sealed class RunClaim : IDisposable
{
    readonly string token;
    readonly Timer heartbeat;
    int disposed;

    internal RunClaim(string path, string token, TimeSpan interval)
    {
        Path = path;
        this.token = token;
        heartbeat = new Timer(_ => Touch(), null, interval, interval);
    }

    /// <summary>The claim file.</summary>
    public string Path { get; }

    void Touch()
    {
        try { File.SetLastWriteTimeUtc(Path, DateTime.UtcNow); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // judged stale later if it persists
    }

    /// <summary>Stops the heartbeat and deletes the claim file if it is still this claim.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        heartbeat.Dispose();
        try
        {
            var owner = JsonSerializer.Deserialize<ClaimOwner>(File.ReadAllBytes(Path));
            if (owner?.Token == token) File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Gone, or taken over: nothing of ours to remove.
        }
    }
}
