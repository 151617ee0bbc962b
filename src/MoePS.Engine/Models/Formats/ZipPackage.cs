using System.IO.Compression;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Formats;

/// <summary>The zip container shared by MoePS's model files (.moex, .moem): atomic writes and checked reads.</summary>
internal static class ZipPackage
{
    /// <summary>Writes a zip through a temporary file beside <paramref name="path"/>, renamed into place only when complete.</summary>
    public static void WriteAtomic(string path, Action<ZipArchive> fill) =>
        AtomicFile.Write(path, overwrite: true, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            using var zip = new ZipArchive(file, ZipArchiveMode.Create);
            fill(zip);
        });

    /// <summary>A zip built in memory.</summary>
    public static byte[] ToBytes(Action<ZipArchive> fill)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true)) fill(zip);
        return buffer.ToArray();
    }

    public static void WriteEntry(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var s = zip.CreateEntry(name, level).Open();
        s.Write(content);
    }

    /// <summary>The most a JSON manifest entry may inflate to.</summary>
    public const long MaxManifestBytes = 8L << 20;

    /// <summary>The most an extractor bundle embedded in a mixture file may inflate to (the paper's are 0.4 MB).</summary>
    public const long MaxEmbeddedBundleBytes = 256L << 20;

    /// <summary>
    /// Entry <paramref name="name"/> for reading, refused with an <see cref="ExtractorFormatException"/> naming
    /// <paramref name="source"/> and the entry when it is missing or there twice (zip tools differ on which one they
    /// read), or when it declares or inflates to more than <paramref name="maxBytes"/> (a zip bomb is stopped there,
    /// not read into memory).
    /// </summary>
    public static Stream OpenEntry(ZipArchive zip, string name, string source, long maxBytes)
    {
        var entry = zip.GetEntry(name) ?? throw new ExtractorFormatException(source, $"the file has no '{name}'.");
        int copies = zip.Entries.Count(e => e.FullName == name);
        if (copies > 1)
            throw new ExtractorFormatException(source, $"the file has {copies} entries named '{name}'; it was refused, as it is unclear which one is meant.");
        if (entry.Length > maxBytes) throw TooLarge(source, name, maxBytes);
        return new CappedReadStream(entry.Open(), maxBytes, () => TooLarge(source, name, maxBytes));
    }

    /// <summary>The bytes of an entry, read through <see cref="OpenEntry"/>.</summary>
    public static byte[] ReadEntry(ZipArchive zip, string name, string source, long maxBytes)
    {
        using var s = OpenEntry(zip, name, source, maxBytes);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>The bytes of a safetensors entry, read no further than its header declares.</summary>
    public static byte[] ReadSafetensorsEntry(ZipArchive zip, string name, string source)
    {
        using var s = OpenEntry(zip, name, source, Array.MaxLength);
        return Safetensors.ReadBytes(s, $"{source}:{name}");
    }

    static ExtractorFormatException TooLarge(string source, string name, long maxBytes) =>
        new(source, $"entry '{name}' inflates to more than {maxBytes / (1 << 20)} MiB, more than MoePS reads for it (a damaged file or a zip bomb); it was not read further.");
}
