using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Claims on the runs of one result file, so that several writers — two shells, or many Slurm
/// array tasks on a shared file system — each run a run once. Design:
/// <list type="bullet">
/// <item>One claim file per run key in the folder "&lt;result file&gt;.claims", created with
/// FileMode.CreateNew (O_CREAT|O_EXCL, atomic on local file systems and NFS): whoever creates it
/// owns the run. It holds the owner's host, process id, process start time and a random token,
/// written while the file is locked (FileShare.None), so that a claim being written is told from
/// one whose writer died before writing it. It is deleted (by its owner only, checked by the
/// token) when the run's result is stored or the run fails or is cancelled.</item>
/// <item>The owner touches the file's modification time every <see cref="StaleAfter"/>/4. A claim
/// is stale when its process is gone (same host: no process with that id and start time) or,
/// from another host, when it hasn't been touched for <see cref="StaleAfter"/> (hosts' clocks
/// must agree to well within that). A stale claim is taken over: renamed aside (only one writer's
/// rename succeeds), checked to be the claim judged stale, then replaced by a new one.</item>
/// <item>A writer killed between storing a run's result and deleting its claim leaves a claim that
/// nobody takes over (the run is in the file, so nobody claims it again): each benchmark ends by
/// taking away the stale claims it finds (<see cref="RemoveStaleClaimsAndEmptyFolder"/>).</item>
/// <item>Claims prevent duplicate work; <see cref="ResultStore.Append"/> separately refuses a
/// second line for a key, so even a claim taken over from a writer that was only slow can't
/// duplicate a result.</item>
/// </list>
/// </summary>
public sealed class RunClaims
{
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a claim that can't be read and isn't locked is given to be filled: its writer fills
    /// it at once, so this covers a writer descheduled between creating and locking it, or a file
    /// system whose locks other hosts don't see.
    /// </summary>
    static readonly TimeSpan FillTime = TimeSpan.FromSeconds(2);

    static readonly Regex PlainName = new("^[A-Za-z0-9_-][A-Za-z0-9_.-]*$", RegexOptions.Compiled);
    static readonly Lazy<ClaimOwner> ThisProcess = new(ClaimOwner.OfThisProcess);

    /// <param name="folder">Where the claim files live.</param>
    /// <param name="staleAfter">How long a claim from another host lives without being touched.</param>
    public RunClaims(string folder, TimeSpan? staleAfter = null)
    {
        Folder = Path.GetFullPath(folder);
        StaleAfter = staleAfter ?? DefaultStaleAfter;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StaleAfter, TimeSpan.Zero, nameof(staleAfter));
    }

    public string Folder { get; }
    public TimeSpan StaleAfter { get; }

    /// <summary>The claim file of a run: "task.method.seedN.hash.claim", the task name hashed when it isn't a plain name.</summary>
    public string PathOf(BenchmarkRunKey key)
    {
        string task = PlainName.IsMatch(key.Task) && key.Task.Length <= 100
            ? key.Task
            : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Task)), 0, 8).ToLowerInvariant();
        return Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{task}.{key.Method}.seed{key.Seed}.{key.ConfigHash}.claim"));
    }

    /// <summary>
    /// Claims <paramref name="key"/> for this process: the claim (dispose it when the run is over),
    /// or null with <paramref name="holder"/> set when another live writer has it.
    /// </summary>
    public RunClaim? TryClaim(BenchmarkRunKey key, out ClaimOwner? holder)
    {
        string path = PathOf(key);
        var me = ThisProcess.Value with { Token = Guid.NewGuid().ToString("n") };
        byte[] content = JsonSerializer.SerializeToUtf8Bytes(me with { Run = key.ToString(), Claimed = DateTimeOffset.UtcNow });
        // Three rounds cover a claim released or taken over by someone else while we looked at it.
        for (int round = 0; round < 3; round++)
        {
            if (TryCreate(path, content))
            {
                holder = null;
                return new RunClaim(path, me.Token, StaleAfter / 4);
            }
            var current = Read(path);
            if (current == null) continue; // released meanwhile
            if (!IsStale(path, current)) { holder = current.Owner; return null; }
            TakeAside(path, current);
        }
        holder = Read(path)?.Owner;
        return null;
    }

    /// <summary>Who holds the claim on <paramref name="key"/> now, if anyone.</summary>
    public ClaimOwner? HolderOf(BenchmarkRunKey key) => Read(PathOf(key))?.Owner;

    /// <summary>
    /// Takes away the stale claims in the folder (those of finished runs included), then removes
    /// the folder when no claim is left in it (other writers may still be using it).
    /// </summary>
    public void RemoveStaleClaimsAndEmptyFolder()
    {
        try
        {
            if (!Directory.Exists(Folder)) return;
            foreach (string path in Directory.GetFiles(Folder, "*.claim"))
            {
                if (Read(path) is { } claim && IsStale(path, claim)) TakeAside(path, claim);
            }
            if (!Directory.EnumerateFileSystemEntries(Folder).Any()) Directory.Delete(Folder);
        }
        catch (IOException)
        {
            // Another writer created a claim or removed the folder meanwhile: the rest is left to it.
        }
    }

    bool TryCreate(string path, byte[] content)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stream.Write(content);
                stream.Flush(flushToDisk: true);
                return true;
            }
            catch (DirectoryNotFoundException) when (attempt < 5)
            {
                // First claim, or another writer removed the empty folder just now.
                Directory.CreateDirectory(Folder);
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
            catch (IOException) when (attempt < 5)
            {
                // It existed, and was released before we looked: try again.
            }
        }
    }

    /// <summary>
    /// A claim is stale when its process is gone: on this host, no process with its id and start
    /// time; from another host, not touched for <see cref="StaleAfter"/>. A claim without an owner
    /// to read is alive while its writer holds it locked; unlocked and still the same after
    /// <see cref="FillTime"/>, its writer died before writing it (or it is damaged).
    /// </summary>
    bool IsStale(string path, ClaimFile claim)
    {
        if (claim.Owner is { } owner)
        {
            return string.Equals(owner.Host, ThisProcess.Value.Host, StringComparison.OrdinalIgnoreCase)
                ? !ClaimOwner.IsRunning(owner.Pid, owner.ProcessStart)
                : DateTime.UtcNow - claim.TouchedUtc > StaleAfter;
        }
        if (claim.BeingWritten) return false;
        Thread.Sleep(FillTime);
        return Read(path) == claim;
    }

    /// <summary>
    /// Moves a stale claim out of the way. Only one writer's rename succeeds; if what was moved is
    /// not the claim judged stale (it was replaced in between), it is put back.
    /// </summary>
    static void TakeAside(string path, ClaimFile stale)
    {
        string aside = $"{path}.{Guid.NewGuid():n}.stale";
        try
        {
            File.Move(path, aside);
        }
        catch (FileNotFoundException)
        {
            return; // someone else moved or released it
        }
        var moved = Read(aside);
        if (moved is not { BeingWritten: false } || moved.Owner?.Token != stale.Owner?.Token)
        {
            try { File.Move(aside, path); return; }
            catch (IOException) { } // a newer claim is in place; the moved one loses
        }
        File.Delete(aside);
    }

    /// <summary>The claim in <paramref name="path"/>, or null when there is none.</summary>
    static ClaimFile? Read(string path)
    {
        var touchedUtc = DateTime.MinValue;
        try
        {
            if (!File.Exists(path)) return null;
            touchedUtc = File.GetLastWriteTimeUtc(path);
            return new ClaimFile(JsonSerializer.Deserialize<ClaimOwner>(File.ReadAllBytes(path)), touchedUtc, BeingWritten: false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException e) when (LockedFile.IsLockConflict(e))
        {
            return new ClaimFile(null, touchedUtc, BeingWritten: true);
        }
        catch (JsonException)
        {
            return new ClaimFile(null, touchedUtc, BeingWritten: false); // its writer died before writing it, or it is damaged
        }
    }

    /// <summary>A claim file as found: its owner (null when it can't be read), when it was last touched, and whether its writer holds it locked to write it.</summary>
    sealed record ClaimFile(ClaimOwner? Owner, DateTime TouchedUtc, bool BeingWritten);
}
