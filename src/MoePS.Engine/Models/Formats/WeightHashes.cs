using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// SHA-256 checks of weight files. A file whose hash matched is remembered for the rest of the
/// process by full path, size and last-write time, so loading it again does not hash it again;
/// rewriting the file changes its time (or size) and it is checked afresh. The memory is in-process
/// only: every new session checks every file once.
/// </summary>
internal static class WeightHashes
{
    static readonly ConcurrentDictionary<(string Path, long Length, DateTime LastWriteUtc), string> Verified = new();

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>The bytes of <paramref name="path"/>, refused unless their SHA-256 is <paramref name="expected"/>.</summary>
    /// <param name="recordedIn">Where <paramref name="expected"/> comes from, for the error (e.g. the sidecar's name).</param>
    public static byte[] ReadVerified(string path, string expected, string recordedIn)
    {
        var before = new FileInfo(path);
        var version = (before.FullName, before.Length, before.LastWriteTimeUtc);
        byte[] bytes = File.ReadAllBytes(path);
        bool sameVersion = bytes.LongLength == version.Length;
        if (sameVersion && Verified.TryGetValue(version, out var known) && string.Equals(known, expected, StringComparison.OrdinalIgnoreCase))
            return bytes;
        string actual = Of(bytes);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new ExtractorFormatException(path,
                $"the SHA-256 of the weights is {actual}, but {recordedIn} records {expected}; the file was damaged or changed, so it was not loaded.");
        if (sameVersion) Verified[version] = actual;
        return bytes;
    }
}
