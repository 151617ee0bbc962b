using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads a large JSON stream one token or one complete value at a time, so a dataset's rows can be parsed
/// without holding the whole document in memory. Malformed or truncated JSON surfaces as <see cref="JsonException"/>.
/// Python's bare NaN, Infinity and -Infinity are read as strings (<see cref="PythonJsonStream"/>).
/// </summary>
internal sealed class StreamingJson : IDisposable
{
    readonly Stream stream;
    byte[] buffer = new byte[1 << 16];
    int start, end;
    bool final;
    JsonReaderState state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

    /// <param name="stream">The JSON; the caller keeps owning it (disposing this reader leaves it open).</param>
    public StreamingJson(Stream stream) => this.stream = new PythonJsonStream(stream);

    public void Dispose() => stream.Dispose();

    /// <summary>The next token (None at the end of the data); <paramref name="text"/> holds property names and strings.</summary>
    public JsonTokenType ReadToken(out string? text)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            if (reader.Read())
            {
                text = reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                Commit(ref reader);
                return reader.TokenType;
            }
            if (final) { text = null; return JsonTokenType.None; }
            Fill();
        }
    }

    /// <summary>The next complete value, or null when the enclosing array ends instead.</summary>
    public JsonDocument? ReadValueOrEndArray()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            if (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    Commit(ref reader);
                    return null;
                }
                if (JsonDocument.TryParseValue(ref reader, out var doc))
                {
                    Commit(ref reader);
                    return doc;
                }
            }
            if (final) throw new JsonException("the JSON ends in the middle of a value (truncated file?).");
            Fill();
        }
    }

    /// <summary>The next complete value.</summary>
    public JsonDocument ReadValue() =>
        ReadValueOrEndArray() ?? throw new JsonException("expected a value, found the end of an array.");

    void Commit(ref Utf8JsonReader reader)
    {
        start += (int)reader.BytesConsumed;
        state = reader.CurrentState;
    }

    void Fill()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        int n = stream.Read(buffer, end, buffer.Length - end);
        if (n == 0) final = true;
        end += n;
    }
}
