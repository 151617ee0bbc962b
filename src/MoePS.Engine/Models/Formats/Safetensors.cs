using System.Buffers.Binary;
using System.Text.Json;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// Reader and writer of the safetensors format: 8-byte little-endian header length, a JSON header
/// ({"__metadata__": {...}, name: {dtype, shape, data_offsets}}), then the raw data, whose
/// offsets (relative to the end of the header) must tile the data exactly.
/// </summary>
public static class Safetensors
{
    const string MetadataKey = "__metadata__";
    const long MaxHeaderLength = 100_000_000;

    /// <summary>Bytes per element of the dtypes MoePS reads and writes.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "I64" => 8,
        _ => 0,
    };

    public static SafetensorsFile Read(string path) =>
        File.Exists(path) ? Read(File.ReadAllBytes(path), path) : throw new FileNotFoundException($"Weight file not found: {path}", path);

    /// <summary>Parses a whole safetensors file; <paramref name="source"/> names it in errors.</summary>
    public static SafetensorsFile Read(byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw TooShort(bytes.Length, source);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength || (long)headerLength > bytes.Length - 8)
            throw HeaderTruncated(headerLength, bytes.Length - 8, source);
        var header = ParseHeader(bytes.AsMemory(8, (int)headerLength), source);
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        if (header.DataLength != dataLength)
            throw new ExtractorFormatException(source, header.DataLength > dataLength
                ? $"the tensors need {header.DataLength} data bytes but the file has {dataLength} (truncated)."
                : $"the file has {dataLength - header.DataLength} bytes after the last tensor.");
        var tensors = header.Entries.Select(e => new SafetensorsTensor(e.Name, e.DType, e.Shape,
            bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin)).ToArray())).ToList();
        foreach (var t in tensors) FiniteWeights.Check(t, source);
        return new SafetensorsFile(tensors, header.Metadata);
    }

    /// <summary>
    /// The bytes of one safetensors file read from a stream (e.g. a zip entry) no further than its
    /// header declares: a stream that goes on past that (a damaged file or a zip bomb) is refused unread.
    /// </summary>
    public static byte[] ReadBytes(Stream stream, string source)
    {
        using var bytes = new MemoryStream();
        if (CopyUpTo(stream, bytes, 8) < 8)
            throw TooShort((int)bytes.Length, source);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.GetBuffer());
        if (headerLength > MaxHeaderLength)
            throw new ExtractorFormatException(source, $"the header claims {headerLength} bytes, more than a safetensors header may take ({MaxHeaderLength}).");
        long readHeader = CopyUpTo(stream, bytes, (long)headerLength);
        if (readHeader < (long)headerLength)
            throw HeaderTruncated(headerLength, readHeader, source);
        long dataLength = ParseHeader(bytes.GetBuffer().AsMemory(8, (int)headerLength), source).DataLength;
        long total = 8 + (long)headerLength + dataLength;
        if (total > Array.MaxLength)
            throw new ExtractorFormatException(source, $"the header declares {dataLength} bytes of tensors, more than MoePS loads.");
        if (CopyUpTo(stream, bytes, dataLength) == dataLength && stream.ReadByte() != -1)
            throw new ExtractorFormatException(source, $"the data goes on past the {total} bytes its header declares (a damaged file or a zip bomb); it was not read further.");
        return bytes.ToArray();
    }

    sealed record Header(IReadOnlyDictionary<string, string> Metadata,
        IReadOnlyList<(string Name, string DType, long[] Shape, long Begin, long End)> Entries, long DataLength);

    /// <summary>The JSON header's metadata and tensor entries, whose offsets must tile the data; DataLength is where the last one ends.</summary>
    static Header ParseHeader(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ExtractorFormatException(source, $"the safetensors header is not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ExtractorFormatException(source, "the safetensors header must be a JSON object.");
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    foreach (var m in p.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                entries.Add(ParseEntry(p, source));
            }
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                if (e.Begin != expected)
                    throw new ExtractorFormatException(source, $"tensor '{e.Name}' starts at data offset {e.Begin}, expected {expected} (offsets must tile the data without gaps or overlaps).");
                expected = e.End;
            }
            return new Header(metadata, entries, expected);
        }
    }

    /// <summary>Copies up to <paramref name="count"/> bytes (fewer at the end of <paramref name="from"/>); returns how many.</summary>
    static long CopyUpTo(Stream from, Stream to, long count)
    {
        var chunk = new byte[(int)Math.Min(Math.Max(count, 1), 1 << 16)];
        long copied = 0;
        while (copied < count)
        {
            int n = from.Read(chunk, 0, (int)Math.Min(chunk.Length, count - copied));
            if (n == 0) break;
            to.Write(chunk, 0, n);
            copied += n;
        }
        return copied;
    }

    static ExtractorFormatException TooShort(int length, string source) =>
        new(source, $"too short for a safetensors file ({length} bytes; the header length alone takes 8).");

    static ExtractorFormatException HeaderTruncated(ulong headerLength, long available, string source) =>
        new(source, $"the header claims {headerLength} bytes but the file has only {available} after the length field (truncated or not a safetensors file).");

    static (string, string, long[], long, long) ParseEntry(JsonProperty p, string source)
    {
        string name = p.Name;
        try
        {
            var v = p.Value;
            string dtype = v.GetProperty("dtype").GetString() ?? "";
            int size = ElementSize(dtype);
            if (size == 0)
                throw new ExtractorFormatException(source, $"tensor '{name}' has dtype '{dtype}'; only F32 and I64 are supported.");
            long[] shape = v.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw new ExtractorFormatException(source, $"tensor '{name}' has a negative dimension in shape [{string.Join(",", shape)}].");
            long[] offsets = v.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw new ExtractorFormatException(source, $"tensor '{name}' has invalid data_offsets [{string.Join(",", offsets)}].");
            long needed = shape.Aggregate(1L, (a, b) => a * b) * size;
            if (offsets[1] - offsets[0] != needed)
                throw new ExtractorFormatException(source, $"tensor '{name}' ({dtype} [{string.Join(",", shape)}]) needs {needed} bytes but its data_offsets span {offsets[1] - offsets[0]}.");
            return (name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ExtractorFormatException(source, $"tensor '{name}' needs dtype, shape and data_offsets in the header ({e.Message}).", e);
        }
    }

    /// <summary>Serialises tensors (in the given order) and metadata; the header is padded with spaces to a multiple of 8.</summary>
    public static byte[] Write(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in list)
            {
                if (ElementSize(t.DType) == 0) throw new ArgumentException($"Tensor '{t.Name}' has unsupported dtype '{t.DType}'.");
                if (t.Data.LongLength != t.ElementCount * ElementSize(t.DType))
                    throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.Length} bytes for shape [{string.Join(",", t.Shape)}].");
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType);
                w.WriteStartArray("shape");
                foreach (long d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.LongLength);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.LongLength;
            }
            w.WriteEndObject();
        }
        var header = headerStream.ToArray().ToList();
        while (header.Count % 8 != 0) header.Add((byte)' ');
        using var output = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Count);
        output.Write(length);
        output.Write(header.ToArray());
        foreach (var t in list) output.Write(t.Data);
        return output.ToArray();
    }
}
