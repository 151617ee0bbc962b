using System.Text;
using System.Text.Json;
using MoePS.Engine.Crystals;
using Xunit;

namespace MoePS.Engine.Tests.Crystals;

public class PythonJsonStreamTests
{
    static string Rewrite(string json, int chunk)
    {
        using var source = new TrickleStream(Encoding.UTF8.GetBytes(json), chunk);
        using var rewritten = new PythonJsonStream(source);
        using var text = new StreamReader(rewritten, Encoding.UTF8);
        return text.ReadToEnd();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public void BareLiteralsBecomeStringsWhereverChunksEnd(int chunk)
    {
        string json = """{"a": [NaN, Infinity, -Infinity, -1.5e-3, true, null], "NaN": "NaN Infinity \" NaN", "b":NaN}""";
        string expected = """{"a": ["NaN", "Infinity", "-Infinity", -1.5e-3, true, null], "NaN": "NaN Infinity \" NaN", "b":"NaN"}""";
        Assert.Equal(expected, Rewrite(json, chunk));
        using var doc = JsonDocument.Parse(expected);
        Assert.Equal("-Infinity", doc.RootElement.GetProperty("a")[2].GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void CommentsAndOtherTokensPassUnchanged(int chunk)
    {
        string json = "// a NaN \"here\n{\"x\": /* Infinity \" */ 12345678901234567890e-5, \"y\": NaNa, \"z\": -Infinityy}";
        string expected = "// a NaN \"here\n{\"x\": /* Infinity \" */ 12345678901234567890e-5, \"y\": NaNa, \"z\": -Infinityy}";
        Assert.Equal(expected, Rewrite(json, chunk));
    }

    [Fact]
    public void ALiteralAtTheEndOfTheDataIsRewritten() => Assert.Equal("\"NaN\"", Rewrite("NaN", 2));

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a slow network or gzip stream may.</summary>
    sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
