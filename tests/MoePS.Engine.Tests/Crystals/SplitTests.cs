using Xunit;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class SplitTests
{
    [Theory]
    [InlineData("expt_eform", 0, 1196, 257, 256)]
    [InlineData("jarvis_2d_gap_tbmbj", 3, 84, 18, 18)]
    [InlineData("jarvis_2d_dielectric_opt", 1, 365, 78, 79)]
    public void PaperSplitFilesGiveTheIndexedSizes(string task, int seed, int train, int val, int test)
    {
        var split = SplitFile.Read(TestData.PathOf("splits", $"seed{seed}.json"), task);
        Assert.Equal((train, val, test), (split.Train.Length, split.Validation.Length, split.Test.Length));
        Assert.Empty(split.Train.Intersect(split.Test));
        Assert.Empty(split.Train.Intersect(split.Validation));
    }

    [Fact]
    public void SplitAppliesToTheDataset()
    {
        var (ds, _) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"));
        var split = ds.WithSplit(SplitFile.Read(TestData.PathOf("splits", "seed0.json"), ds.Name));
        Assert.Equal("seed0.json[jarvis_2d_gap_tbmbj]", split.Split!.Origin);
        Assert.Equal(84, split.Rows(split.Split.Train).Count());
    }

    [Fact]
    public void UnknownTaskInSplitFileIsAClearError()
    {
        var e = Assert.Throws<CrystalFormatException>(() => SplitFile.Read(TestData.PathOf("splits", "seed0.json"), "nope"));
        Assert.Contains("no split for task 'nope'", e.Message);
        Assert.Contains("expt_eform", e.Message);
    }

    [Fact]
    public void SplitFileWithARowInTrainAndTestIsRefused()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("leaky.json", """{"t": {"train": [0, 1, 2, 3, 4, 5, 6, 7], "val": [8], "test": [9, 3, 7, 2, 1, 5, 6]}}""");
        var e = Assert.Throws<CrystalFormatException>(() => SplitFile.Read(path, "t"));
        Assert.Equal(path, e.Path);
        Assert.Contains("leaky.json", e.Message);
        Assert.Contains("'$.t.train' and '$.t.test' share rows 1, 2, 3, 5, 6, … (6 rows in all)", e.Message);
    }

    [Fact]
    public void SplitFileWithARowTwiceInOnePartIsRefused()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("twice.json", """{"t": {"train": [0, 4, 1, 4], "val": [2], "test": [3, 5, 5]}}""");
        var e = Assert.Throws<CrystalFormatException>(() => SplitFile.Read(path, "t"));
        Assert.Contains("'$.t.train' lists row 4 more than once", e.Message);
        Assert.Contains("'$.t.test' lists row 5 more than once", e.Message);
    }

    [Fact]
    public void WithSplitRefusesAHandMadeLeakySplit()
    {
        var (ds, _) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"));
        var leaky = new DatasetSplit(new[] { 0, 1, 2 }, new[] { 3, 2 }, new[] { 4 }, "by hand");
        var e = Assert.Throws<ArgumentException>(() => ds.WithSplit(leaky));
        Assert.Contains("'train' and 'validation' share row 2", e.Message);
        Assert.Contains("by hand", e.Message);
    }

    [Fact]
    public void ThePaperSplitsAreNotLeaky()
    {
        foreach (int seed in Enumerable.Range(0, 5))
            foreach (string task in new[] { "expt_eform", "mp_dielectric", "jarvis_2d_gap_tbmbj" })
                Assert.Empty(SplitOverlap.Problems(SplitFile.Read(TestData.PathOf("splits", $"seed{seed}.json"), task)));
    }

    [Fact]
    public void RandomSplitIsDeterministicDisjointAndComplete()
    {
        var a = RandomSplit.Create(1709, seed: 7);
        var b = RandomSplit.Create(1709, seed: 7);
        var c = RandomSplit.Create(1709, seed: 8);
        Assert.Equal(a.Train, b.Train);
        Assert.NotEqual(a.Train, c.Train);
        Assert.Equal((1196, 256, 257), (a.Train.Length, a.Validation.Length, a.Test.Length));
        Assert.Equal(Enumerable.Range(0, 1709), a.Train.Concat(a.Validation).Concat(a.Test).Order());
    }

    [Fact]
    public void RandomSplitGivesTheSplitsItAlwaysGave()
    {
        // Recorded from the generator as written before it was shared with training (SplitMix64, modulo draws).
        var a = RandomSplit.Create(20, seed: 7);
        Assert.Equal(new[] { 4, 1, 2, 15, 16, 18, 9, 6, 13, 3, 8, 5, 19, 12 }, a.Train);
        Assert.Equal(new[] { 17, 10, 11 }, a.Validation);
        Assert.Equal(new[] { 0, 14, 7 }, a.Test);
        var b = RandomSplit.Create(20, seed: -3);
        Assert.Equal(new[] { 16, 19, 7, 0, 10, 14, 6, 18, 2, 17, 1, 8, 4, 3 }, b.Train);
        Assert.Equal(new[] { 11, 15, 12 }, b.Validation);
        Assert.Equal(new[] { 5, 9, 13 }, b.Test);
    }

    [Fact]
    public void ACorruptGzipSplitFileIsAClearError()
    {
        using var tmp = new TempFolder();
        string path = System.IO.Path.Combine(tmp.Path, "seed0.json.gz");
        // A gzip header, then a deflate block of the reserved type 3, which no decompressor accepts.
        File.WriteAllBytes(path, new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff });

        var e = Assert.Throws<CrystalFormatException>(() => SplitFile.Read(path, "t"));
        Assert.Equal(path, e.Path);
        Assert.Contains("corrupt gzip data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomSplitRejectsBadFractions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomSplit.Create(10, 0, 0.9, 0.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomSplit.Create(10, 0, 0));
    }
}
