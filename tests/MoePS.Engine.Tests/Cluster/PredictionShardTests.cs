using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class PredictionShardTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-shards-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static PredictionRow Row(string id, double? value, string? error = null) =>
        new(id, "NaCl", value, "eV/atom", null, "mp_eform", "formation energy", $"/data/{id}.cif", error);

    [Fact]
    public void RowsRoundTripThroughCsvWithCommasQuotesAndLineBreaks()
    {
        var rows = new[]
        {
            Row("a,1", -1.25),
            Row("b\"2\"", 0.1 + 0.2),
            Row("c", null, "file.cif:3: unexpected \"x\",\nthen more") with { StdDev = 0.5 },
        };
        string path = Path.Combine(root, "p.csv");
        PredictionCsv.Write(path, rows);
        var back = PredictionCsv.Read(path);
        Assert.Equal(rows[0], back[0]);
        Assert.Equal(rows[1], back[1]);
        Assert.Equal(0.1 + 0.2, back[1].Predicted);
        Assert.Equal(rows[2] with { Error = "file.cif:3: unexpected \"x\", then more" }, back[2]);
        Assert.Equal(4, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void MergesOnlyWhenEveryShardIsThereInShardOrder()
    {
        var shards = new[] { Path.Combine(root, "0.csv"), Path.Combine(root, "1.csv") };
        string output = Path.Combine(root, "out.csv");
        PredictionCsv.Write(shards[1], new[] { Row("c", 3), Row("d", 4) });
        Assert.False(PredictionCsv.MergeIfComplete(shards, output));
        Assert.False(File.Exists(output));
        PredictionCsv.Write(shards[0], new[] { Row("a", 1), Row("b", null, "bad") });
        Assert.True(PredictionCsv.MergeIfComplete(shards, output));
        Assert.Equal(new[] { "a", "b", "c", "d" }, PredictionCsv.Read(output).Select(r => r.Id));
    }

    [Fact]
    public void AFileThatIsNotAPredictionFileIsAnErrorNamingIt()
    {
        string path = Path.Combine(root, "other.csv");
        File.WriteAllText(path, "x,y\n1,2\n");
        var e = Assert.Throws<InvalidDataException>(() => PredictionCsv.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 3, new[] { 3, 3, 4 })]
    [InlineData(4, 4, new[] { 1, 1, 1, 1 })]
    [InlineData(2, 5, new[] { 1, 1 })]
    public void SlicesTheFilesIntoConsecutiveShardsOfNearlyEqualSize(int files, int shards, int[] sizes)
    {
        var names = Enumerable.Range(0, files).Select(i => $"{i}.cif").ToList();
        var slices = PredictionArraySpec.Slice(names, shards);
        Assert.Equal(sizes, slices.Select(s => s.Count));
        Assert.Equal(names, slices.SelectMany(s => s));
    }
}
