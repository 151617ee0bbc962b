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

    /// <summary>The bytes of entry <paramref name="name"/>; a missing entry is an <see cref="ExtractorFormatException"/> naming <paramref name="source"/>.</summary>
    public static byte[] ReadEntry(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw new ExtractorFormatException(source, $"the file has no '{name}'.");
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
