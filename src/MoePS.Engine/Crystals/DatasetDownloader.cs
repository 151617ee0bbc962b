using MoePS.Engine.Runtime;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Finds a pinned dataset file in the data folders, or downloads it once into the cache (see
/// <see cref="VerifiedDownload"/>; MOEPS_OFFLINE=1 forbids downloads, <see cref="DownloadOptions"/> gives the timeouts).
/// </summary>
public static class DatasetDownloader
{
    public const string Subfolder = "matbench";

    /// <summary>
    /// The path of a verified copy of <paramref name="source"/>: searched as &lt;folder&gt;/matbench/&lt;file&gt; and
    /// &lt;folder&gt;/&lt;file&gt; in <paramref name="searchFolders"/>, else downloaded into &lt;cacheFolder&gt;/matbench/.
    /// A failed download is a <see cref="FileNotFoundException"/> naming the URL and where to put the file by hand.
    /// </summary>
    /// <param name="options">Timeouts and mirror; null = <see cref="DownloadOptions.FromEnvironment"/>.</param>
    /// <param name="progress">Download progress, reported on the calling thread.</param>
    public static string Ensure(DatasetSource source, IReadOnlyList<string> searchFolders, string cacheFolder,
        DownloadOptions? options = null, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        foreach (var folder in searchFolders)
        foreach (var candidate in new[] { Path.Combine(folder, Subfolder, source.FileName), Path.Combine(folder, source.FileName) })
        {
            if (!File.Exists(candidate)) continue;
            Verify(candidate, source);
            return candidate;
        }
        string target = Path.Combine(cacheFolder, Subfolder, source.FileName);
        Download(source, target, options, progress, cancel);
        return target;
    }

    static void Verify(string path, DatasetSource source)
    {
        string actual = VerifiedDownload.Sha256Of(path);
        if (actual != source.Sha256)
            throw new InvalidDataException(
                $"{path}: SHA-256 is {actual}, but {source.Name} must have {source.Sha256}. The file is damaged or a different version; delete it so it is downloaded again from {source.Url}.");
    }

    static void Download(DatasetSource source, string target, DownloadOptions? options, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        string where = $"Download {source.Url} yourself and put it at {target} (or at <folder>/{Subfolder}/{source.FileName} under $MOEPS_DATA_PATH).";
        if (VerifiedDownload.DisabledBy() is { } off)
            throw new FileNotFoundException($"Dataset '{source.Name}' is not on this machine and downloads are off ({VerifiedDownload.OfflineVariable}={off}). {where}", target);
        try
        {
            VerifiedDownload.Fetch(source.Url, target, source.Sha256, options, progress, cancel);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException)
        {
            throw new FileNotFoundException($"Dataset '{source.Name}' is not on this machine and could not be downloaded: {e.Message.TrimEnd('.')}. {where}", target, e);
        }
    }
}
