using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;

namespace MoePS.Engine.Models.Library;

/// <summary>
/// Finds the paper's extractors by name: in each data folder ($MOEPS_DATA_PATH, then the user
/// cache) as extractors/&lt;name&gt;.safetensors + .json, extractors/&lt;name&gt;.moex or
/// extractors/pytorch/&lt;name&gt;.pth.tar; otherwise downloads the public checkpoint (pinned URL and
/// SHA-256) into the cache and converts it once to a bundle. $MOEPS_OFFLINE=1 forbids downloads;
/// <see cref="DownloadOptions"/> gives the timeouts.
/// </summary>
public static class ExtractorLibrary
{

    /// <summary>Names of the paper's extractors found in the data folders without downloading.</summary>
    public static IReadOnlyList<string> AvailableLocally() => PaperExtractors.Names.Where(n => FindLocal(n) != null).ToList();

    /// <param name="name">One of <see cref="PaperExtractors.Names"/> (any case).</param>
    /// <param name="log">Receives a line for each file loaded, downloaded or converted.</param>
    /// <param name="progress">Download progress, reported on the calling thread.</param>
    /// <param name="cancel">Stops a download.</param>
    public static Extractor Load(string name, Action<string>? log = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var entry = PaperExtractors.Find(name);
        string? local = FindLocal(entry.Name);
        if (local != null)
        {
            log?.Invoke($"Loading extractor '{entry.Name}' from {local}");
            if (ExtractorFiles.IsCheckpoint(local)) CheckSha256(local, entry.Sha256);
            return ExtractorFiles.Import(local);
        }
        return DownloadAndConvert(entry, log, progress, cancel);
    }

    /// <summary>The first file for <paramref name="name"/> in the data folders, in the order the class summary gives.</summary>
    public static string? FindLocal(string name)
    {
        foreach (string folder in DataLocations.DataFolders())
        {
            string dir = Path.Combine(folder, "extractors");
            string[] candidates =
            {
                Path.Combine(dir, name + ModelFileExtensions.Safetensors),
                Path.Combine(dir, name + ModelFileExtensions.ExtractorBundle),
                Path.Combine(dir, "pytorch", name + ModelFileExtensions.TorchCheckpoint),
            };
            foreach (string c in candidates)
                if (File.Exists(c) && (!ModelFileExtensions.Has(c, ModelFileExtensions.Safetensors) || File.Exists(ExtractorSidecar.SidecarPathOf(c))))
                    return c;
        }
        return null;
    }

    static Extractor DownloadAndConvert(PaperExtractorEntry entry, Action<string>? log, IProgress<DownloadProgress>? progress,
        CancellationToken cancel)
    {
        string cache = DataLocations.CacheFolder();
        string bundle = Path.Combine(cache, "extractors", entry.Name + ModelFileExtensions.ExtractorBundle);
        string checkpoint = Path.Combine(cache, "extractors", "pytorch", entry.Name + ModelFileExtensions.TorchCheckpoint);
        string elementTable = Path.Combine(cache, ElementFeatures.DefaultFileName);
        if (VerifiedDownload.DisabledBy() != null)
            throw new FileNotFoundException(WhereToPut(entry, checkpoint, elementTable, "downloads are disabled ($" + VerifiedDownload.OfflineVariable + ")"), entry.Name);
        var options = DownloadOptions.FromEnvironment();
        try
        {
            Download(entry.DownloadUrl, checkpoint, entry.Sha256);
            if (!File.Exists(elementTable))
                Download(PaperExtractors.RawUrl(PaperExtractors.ElementTablePath), elementTable, PaperExtractors.ElementTableSha256);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException or InvalidDataException)
        {
            throw new FileNotFoundException(WhereToPut(entry, checkpoint, elementTable, $"the download failed: {e.Message.TrimEnd('.')}"), entry.Name, e);
        }
        log?.Invoke($"Converting {checkpoint} to {bundle}");
        var extractor = ExtractorFiles.FromCheckpoint(checkpoint, ElementFeatures.Load(elementTable));
        ExtractorBundle.Write(extractor, bundle);
        return extractor;

        void Download(string url, string target, string sha256)
        {
            log?.Invoke($"Downloading {options.SourceOf(url)}");
            VerifiedDownload.Fetch(url, target, sha256, options, progress, cancel);
        }
    }

    static void CheckSha256(string path, string expected)
    {
        string actual = VerifiedDownload.Sha256Of(path);
        if (actual != expected)
            throw new ExtractorFormatException(path, $"SHA-256 is {actual}, but the paper's checkpoint has {expected}; the file is damaged or a different model.");
    }

    /// <summary>The failure, and where the files can be put by hand: the download's own cache paths first.</summary>
    static string WhereToPut(PaperExtractorEntry entry, string checkpoint, string elementTable, string reason) =>
        $"Extractor '{entry.Name}' was not found locally and {reason}. Download {entry.DownloadUrl} yourself and save it as {checkpoint}, " +
        $"with {PaperExtractors.RawUrl(PaperExtractors.ElementTablePath)} as {elementTable}; or put extractors/{entry.Name}{ModelFileExtensions.Safetensors} with its .json sidecar " +
        $"(and atom_init.json at the folder's root), or extractors/pytorch/{entry.Name}{ModelFileExtensions.TorchCheckpoint}, under one of: " +
        string.Join(", ", DataLocations.DataFolders()) + $" (set ${DataLocations.DataPathVariable}).";
}
