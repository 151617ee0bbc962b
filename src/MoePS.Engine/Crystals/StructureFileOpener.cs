using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>Opens structure and dataset files, transparently decompressing gzip (detected by its magic bytes).</summary>
public static class StructureFileOpener
{
    /// <summary>Opens <paramref name="path"/> for reading; gzip content is decompressed whatever the file is called.</summary>
    public static Stream Open(string path)
    {
        var file = File.OpenRead(path);
        try
        {
            if (file.Length == 0) throw new CrystalFormatException("the file is empty.", path);
            Span<byte> head = stackalloc byte[2];
            int n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gzip = n == 2 && head[0] == 0x1f && head[1] == 0x8b;
            if (!gzip && path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new CrystalFormatException("the name ends in .gz but the content is not gzip-compressed (it does not start with the gzip bytes 1f 8b).", path);
            return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The whole (decompressed) file as one JSON document; invalid JSON or corrupt gzip data is a <see cref="CrystalFormatException"/>.</summary>
    public static JsonDocument ReadJson(string path)
    {
        try
        {
            using var stream = Open(path);
            using var json = new StreamingJson(stream);
            return json.ReadValue();
        }
        catch (JsonException e) { throw new CrystalFormatException($"invalid JSON: {e.Message}", path, (int?)e.LineNumber + 1, e); }
        catch (InvalidDataException e) { throw CorruptGzip(path, e); }
    }

    /// <summary>The error for gzip data that does not decompress (a <see cref="GZipStream"/> read threw <paramref name="e"/>).</summary>
    internal static CrystalFormatException CorruptGzip(string path, InvalidDataException e) => new($"corrupt gzip data: {e.Message}", path, inner: e);

    /// <summary>
    /// The whole (decompressed) file as text; an empty or corrupt file is a <see cref="CrystalFormatException"/>, and so
    /// is binary data, found as it is read (so a large binary file is refused after its first bytes, not its whole size).
    /// </summary>
    public static string ReadAllText(string path)
    {
        using var stream = Open(path);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = new StringBuilder();
        var chunk = new char[1 << 16];
        int line = 1;
        try
        {
            for (int n; (n = reader.Read(chunk, 0, chunk.Length)) > 0;)
            {
                line = RequireText(chunk.AsSpan(0, n), path, line);
                text.Append(chunk, 0, n);
            }
        }
        catch (InvalidDataException e) { throw CorruptGzip(path, e); }
        string result = text.ToString();
        if (string.IsNullOrWhiteSpace(result)) throw new CrystalFormatException("the file is empty.", path);
        return result;
    }

    /// <summary>
    /// Throws when <paramref name="text"/> holds a control character no text file has (anything below U+0020 but
    /// tab, line feed, vertical tab, form feed, carriage return and DOS's end-of-file mark U+001A); returns the
    /// line number after it, counting from <paramref name="line"/>.
    /// </summary>
    internal static int RequireText(ReadOnlySpan<char> text, string path, int line)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') line++;
            else if (c < ' ' && c is not ('\t' or '\v' or '\f' or '\r' or '\u001a'))
                throw new CrystalFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"binary data (control character U+{(int)c:X4}), not a text structure file."), path, line);
        }
        return line;
    }

    /// <summary>Lines of the (decompressed) file, without line terminators.</summary>
    public static string[] ReadAllLines(string path) =>
        ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>File name without ".gz" and the format extension: "x.json.gz" → "x", "POSCAR" → "POSCAR".</summary>
    public static string Stem(string path)
    {
        string name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        string stem = Path.GetFileNameWithoutExtension(name);
        return stem.Length > 0 ? stem : name;
    }
}
