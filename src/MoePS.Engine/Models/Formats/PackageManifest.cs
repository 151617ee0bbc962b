using System.IO.Compression;
using System.Text.Json;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// The JSON manifest entry of one kind of MoePS zip package (.moex, .moem): written, and read back
/// only when it is this format in a version this MoePS reads. Every error names the file.
/// </summary>
/// <param name="FormatName">The format's name as the manifest records it.</param>
/// <param name="FormatVersion">The newest version this MoePS reads and the one it writes.</param>
/// <param name="Entry">The manifest's entry in the zip, e.g. "extractor.json".</param>
/// <param name="Kind">What the package is, in words, for errors ("extractor bundle", "mixture").</param>
/// <param name="Json">How the manifest is (de)serialised.</param>
internal sealed record PackageManifest(string FormatName, int FormatVersion, string Entry, string Kind, JsonSerializerOptions Json)
{
    public void Write<T>(ZipArchive zip, T manifest) where T : IPackageManifest =>
        ZipPackage.WriteEntry(zip, Entry, JsonSerializer.SerializeToUtf8Bytes(manifest, Json));

    /// <param name="zip">The package.</param>
    /// <param name="path">The package's file, named in errors.</param>
    public T Read<T>(ZipArchive zip, string path) where T : IPackageManifest
    {
        T manifest;
        try
        {
            using var entry = ZipPackage.OpenEntry(zip, Entry, path, ZipPackage.MaxManifestBytes);
            manifest = JsonSerializer.Deserialize<T>(entry, Json) ?? throw new ExtractorFormatException(path, $"{Entry} is empty.");
        }
        catch (JsonException e)
        {
            throw new ExtractorFormatException(path, $"{Entry} is not a valid {Kind} manifest ({e.Message}).", e);
        }
        if (manifest.Format != FormatName)
            throw new ExtractorFormatException(path, $"{Entry} has format '{manifest.Format}', expected '{FormatName}'.");
        if (manifest.Version > FormatVersion)
            throw new ExtractorFormatException(path, $"{Kind} format version {manifest.Version} is newer than this MoePS reads ({FormatVersion}); update MoePS.");
        return manifest;
    }
}
