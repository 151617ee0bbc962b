using System.Security.Cryptography;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Downloads of pinned files (datasets, the paper's checkpoints): streamed to a temporary file, SHA-256
/// checked, then renamed into place, so neither a killed download nor a wrong file is ever kept.
/// </summary>
public static class VerifiedDownload
{
    /// <summary>Set to anything but 0/false to forbid downloads.</summary>
    public const string OfflineVariable = "MOEPS_OFFLINE";

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>The value of $MOEPS_OFFLINE when it forbids downloads, else null.</summary>
    public static string? DisabledBy() =>
        Environment.GetEnvironmentVariable(OfflineVariable) is { Length: > 0 } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? v : null;

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>
    /// Fetches <paramref name="url"/> into <paramref name="target"/>. Transport failures surface as
    /// <see cref="HttpRequestException"/>, <see cref="IOException"/> or <see cref="TaskCanceledException"/>;
    /// a file with another SHA-256 as <see cref="InvalidDataException"/>.
    /// </summary>
    public static void Fetch(string url, string target, string sha256, CancellationToken cancel = default) =>
        AtomicFile.Write(target, overwrite: true, temp =>
        {
            using var response = Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using var body = response.Content.ReadAsStream(cancel);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = body.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancel.ThrowIfCancellationRequested();
                    hash.AppendData(buffer, 0, n);
                    file.Write(buffer, 0, n);
                }
            }
            string actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            if (actual != sha256)
                throw new InvalidDataException($"The download of {url} has SHA-256 {actual}, expected {sha256}; it was not kept.");
        });
}
