using System.Collections.Concurrent;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Opens a file that other benchmark processes share, waiting while one of them holds a
/// conflicting lock. FileShare.None takes an exclusive lock (flock on Unix, a share mode on
/// Windows) that every other open of the file honours, FileShare.Read a shared one; on a network
/// file system these locks reach other hosts where the file system supports them (NFS does).
/// </summary>
static class LockedFile
{
    /// <summary>How long to wait for another writer before giving up.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    static readonly ConcurrentDictionary<string, object> InProcess = new(StringComparer.Ordinal);

    /// <summary>
    /// A lock object for <paramref name="path"/> within this process: on NFS, Linux turns flock into
    /// POSIX locks, which don't exclude two opens by the same process, so threads take this first.
    /// </summary>
    public static object ProcessLock(string path) => InProcess.GetOrAdd(path, _ => new object());

    /// <summary>Opens <paramref name="path"/>, retrying while another process's lock conflicts, up to <paramref name="wait"/>.</summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? DefaultWait);
        int pause = 5;
        while (true)
        {
            try
            {
                return new FileStream(path, mode, access, share);
            }
            catch (IOException e) when (IsLockConflict(e) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(pause, 2 * pause));
                pause = Math.Min(pause * 2, 200);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                throw new IOException($"'{path}' stayed locked by another benchmark for {(wait ?? DefaultWait).TotalSeconds:F0} s.", e);
            }
        }
    }

    /// <summary>EWOULDBLOCK from flock (Linux 11, macOS 35) or a Windows sharing or lock violation.</summary>
    public static bool IsLockConflict(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
