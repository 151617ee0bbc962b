namespace MoePS.Engine.Crystals;

/// <summary>
/// Reads JSON as Python's <c>json.dumps</c> (and so pandas and Matminer) may write it: the bare tokens
/// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, which are not JSON and which System.Text.Json refuses,
/// come out as the strings "NaN", "Infinity" and "-Infinity" (<see cref="IsNonFiniteLiteral"/>).
/// Everything else, strings and comments included, passes unchanged, so malformed JSON stays malformed.
/// The inner stream stays the caller's: disposing this one leaves it open.
/// </summary>
internal sealed class PythonJsonStream : Stream
{
    /// <summary>Longest literal, "-Infinity"; a bare token longer than this is passed on as it is.</summary>
    const int LongestLiteral = 9;
    static readonly string[] Literals = { "NaN", "Infinity", "-Infinity" };
    static readonly byte[][] LiteralBytes = Literals.Select(System.Text.Encoding.ASCII.GetBytes).ToArray();

    readonly Stream inner;
    readonly byte[] raw = new byte[1 << 16];
    // A chunk at most grows by 2 bytes per literal of ≥ 3 bytes (its quotes), plus a held-back token.
    readonly byte[] output = new byte[2 * (1 << 16) + 2 * LongestLiteral];
    int outStart, outEnd;
    readonly byte[] token = new byte[LongestLiteral];
    int tokenLength;
    bool tokenTooLong, ended;
    State state;

    enum State { Value, String, StringEscape, Slash, LineComment, BlockComment, BlockCommentStar }

    public PythonJsonStream(Stream inner) => this.inner = inner;

    /// <summary>Whether <paramref name="text"/> is one of the strings the bare literals become.</summary>
    public static bool IsNonFiniteLiteral(string? text) => text != null && Array.IndexOf(Literals, text) >= 0;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (outStart == outEnd && !ended) Transform();
        int n = Math.Min(buffer.Length, outEnd - outStart);
        output.AsSpan(outStart, n).CopyTo(buffer);
        outStart += n;
        return n;
    }

    void Transform()
    {
        outStart = outEnd = 0;
        int n = inner.Read(raw, 0, raw.Length);
        if (n == 0)
        {
            EndToken();
            ended = true;
            return;
        }
        for (int i = 0; i < n; i++) Step(raw[i]);
    }

    void Step(byte b)
    {
        switch (state)
        {
            case State.String:
                state = b == (byte)'\\' ? State.StringEscape : b == (byte)'"' ? State.Value : State.String;
                break;
            case State.StringEscape:
                state = State.String;
                break;
            case State.Slash:
                state = b == (byte)'/' ? State.LineComment : b == (byte)'*' ? State.BlockComment : State.Value;
                break;
            case State.LineComment:
                if (b == (byte)'\n') state = State.Value;
                break;
            case State.BlockComment:
                if (b == (byte)'*') state = State.BlockCommentStar;
                break;
            case State.BlockCommentStar:
                state = b == (byte)'/' ? State.Value : b == (byte)'*' ? State.BlockCommentStar : State.BlockComment;
                break;
            default:
                if (IsTokenByte(b))
                {
                    AddToToken(b);
                    return;
                }
                EndToken();
                if (b == (byte)'"') state = State.String;
                else if (b == (byte)'/') state = State.Slash;
                break;
        }
        output[outEnd++] = b;
    }

    /// <summary>Bytes of bare JSON tokens: numbers, true/false/null, and the literals.</summary>
    static bool IsTokenByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'+' or (byte)'.';

    void AddToToken(byte b)
    {
        if (tokenTooLong)
        {
            output[outEnd++] = b;
            return;
        }
        if (tokenLength == LongestLiteral)
        {
            token.AsSpan(0, tokenLength).CopyTo(output.AsSpan(outEnd));
            outEnd += tokenLength;
            tokenLength = 0;
            tokenTooLong = true;
            output[outEnd++] = b;
            return;
        }
        token[tokenLength++] = b;
    }

    void EndToken()
    {
        bool literal = tokenLength > 0 && IsLiteral(token.AsSpan(0, tokenLength));
        if (literal) output[outEnd++] = (byte)'"';
        token.AsSpan(0, tokenLength).CopyTo(output.AsSpan(outEnd));
        outEnd += tokenLength;
        if (literal) output[outEnd++] = (byte)'"';
        tokenLength = 0;
        tokenTooLong = false;
    }

    static bool IsLiteral(ReadOnlySpan<byte> text)
    {
        foreach (var literal in LiteralBytes)
            if (text.SequenceEqual(literal)) return true;
        return false;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
