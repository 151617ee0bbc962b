using System.Security.Cryptography;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Finds a pinned dataset file in the data folders, or downloads it once into the cache: streamed to a temporary
/// file, its SHA-256 checked, then renamed into place, so a killed download never leaves a half file behind.
/// Set MOEPS_OFFLINE=1 to forbid downloads.
/// </summary>
public static class DatasetDownloader
{
    public const string OfflineVariable = "MOEPS_OFFLINE";
    public const string Subfolder = "matbench";

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>
    /// The path of a verified copy of <paramref name="source"/>: searched as &lt;folder&gt;/matbench/&lt;file&gt; and
    /// &lt;folder&gt;/&lt;file&gt; in <paramref name="searchFolders"/>, else downloaded into &lt;cacheFolder&gt;/matbench/.
    /// </summary>
    public static string Ensure(DatasetSource source, IReadOnlyList<string> searchFolders, string cacheFolder, CancellationToken cancel = default)
    {
        foreach (var folder in searchFolders)
        foreach (var candidate in new[] { Path.Combine(folder, Subfolder, source.FileName), Path.Combine(folder, source.FileName) })
        {
            if (!File.Exists(candidate)) continue;
            Verify(candidate, source);
            return candidate;
        }
        string target = Path.Combine(cacheFolder, Subfolder, source.FileName);
        Download(source, target, cancel);
        return target;
    }

    static void Verify(string path, DatasetSource source)
    {
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        if (actual != source.Sha256)
            throw new InvalidDataException(
                $"{path}: SHA-256 is {actual}, but {source.Name} must have {source.Sha256}. The file is damaged or a different version; delete it so it is downloaded again from {source.Url}.");
    }

    static void Download(DatasetSource source, string target, CancellationToken cancel)
    {
        string where = $"Download {source.Url} yourself and put it at {target} (or at <folder>/{Subfolder}/{source.FileName} under $MOEPS_DATA_PATH).";
        if (Environment.GetEnvironmentVariable(OfflineVariable) is { Length: > 0 } off && off != "0")
            throw new FileNotFoundException($"Dataset '{source.Name}' is not on this machine and downloads are off ({OfflineVariable}={off}). {where}", target);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = $"{target}.{Guid.NewGuid():n}.part";
        try
        {
            string actual;
            try
            {
                using var response = Http.GetAsync(source.Url, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult();
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
                actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                throw new FileNotFoundException($"Dataset '{source.Name}' is not on this machine and could not be downloaded ({e.Message}). {where}", target, e);
            }
            if (actual != source.Sha256)
                throw new InvalidDataException($"The download of {source.Url} has SHA-256 {actual}, expected {source.Sha256}; it was not kept.");
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
