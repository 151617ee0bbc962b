namespace MoePS.Engine.Models.Formats;

/// <summary>A read-only stream that fails once more than a set number of bytes have come out of the stream it wraps.</summary>
internal sealed class CappedReadStream : Stream
{
    readonly Stream inner;
    readonly long cap;
    readonly Func<Exception> overflow;
    long read;

    /// <param name="inner">The stream to read (disposed with this one).</param>
    /// <param name="cap">The most bytes that may be read.</param>
    /// <param name="overflow">The exception to throw when the stream has more.</param>
    public CappedReadStream(Stream inner, long cap, Func<Exception> overflow)
    {
        this.inner = inner;
        this.cap = cap;
        this.overflow = overflow;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte past the cap at most, so an entry of exactly the cap still reads cleanly.
        int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, cap - read + 1)]);
        read += n;
        if (read > cap) throw overflow();
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
