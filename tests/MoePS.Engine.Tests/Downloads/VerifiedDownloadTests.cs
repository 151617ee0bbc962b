using System.Diagnostics;
using System.Security.Cryptography;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Models;
using MoePS.Engine.Tests.Training;
using Xunit;
using MoePS.Engine.Models.Library;

namespace MoePS.Engine.Tests.Downloads;

/// <summary>Downloads from servers on 127.0.0.1 that hang, stall or answer: they end in seconds, with a clear error and no partial file.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class VerifiedDownloadTests : IDisposable
{
    static readonly DownloadOptions Impatient = new() { ConnectTimeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(1) };

    /// <summary>For a download that should succeed: a loaded machine can keep the loopback server from answering within 1 s.</summary>
    static readonly DownloadOptions Patient = new() { ConnectTimeout = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromSeconds(30) };
    static readonly string NoSuchHash = new('0', 64);
    readonly TempFolder folder = new();

    [Fact]
    public void AServerThatAcceptsAndNeverAnswersFailsWithinTheStallTimeout()
    {
        using var server = LoopbackServer.Silent();
        string url = server.Url("matbench_x.json.gz");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TimeoutException>(() => VerifiedDownload.Fetch(url, folder.File("x.json.gz"), NoSuchHash, Impatient));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Contains($"{url} sent no response within 1 s", e.Message);
        Assert.Contains(DownloadOptions.StallVariable, e.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void AServerThatStallsMidBodyFailsSayingHowFarItGot()
    {
        using var server = LoopbackServer.StallingAfter(sent: 300_000, length: 1_000_000);
        var reports = new List<DownloadProgress>();
        string url = server.Url("big.bin");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TimeoutException>(() =>
            VerifiedDownload.Fetch(url, folder.File("big.bin"), NoSuchHash, Impatient, new SyncProgress<DownloadProgress>(reports.Add)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Contains($"The download of {url} stalled: no data for 1 s after 0.3 of 1.0 MB", e.Message);
        Assert.Equal(0, reports[0].BytesReceived);
        Assert.Contains(reports, r => r.BytesReceived > 0 && r.TotalBytes == 1_000_000 && r.Url == url);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void AWholeDownloadIsCheckedKeptAndReportedToItsLastByte()
    {
        byte[] body = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        using var server = LoopbackServer.Serving(body);
        var reports = new List<DownloadProgress>();
        string target = folder.File("sub/file.bin");
        VerifiedDownload.Fetch(server.Url("file.bin"), target, Sha256(body), Patient, new SyncProgress<DownloadProgress>(reports.Add));
        Assert.Equal(body, File.ReadAllBytes(target));
        Assert.Equal(200_000, reports[^1].BytesReceived);
        Assert.Equal(100, reports[^1].PercentComplete);
        Assert.Equal(new[] { target }, FilesLeft());
    }

    [Fact]
    public void AMatbenchDownloadThatHangsNamesTheUrlAndTheCachePathToFill()
    {
        using var server = LoopbackServer.Silent();
        using var env = new EnvironmentScope().Set(VerifiedDownload.OfflineVariable, null);
        var source = new DatasetSource("matbench_x", server.Url("matbench_x.json.gz"), NoSuchHash, null, true);
        var e = Assert.Throws<FileNotFoundException>(() =>
            DatasetDownloader.Ensure(source, Array.Empty<string>(), folder.Path, options: Impatient));
        Assert.Contains($"{source.Url} sent no response within 1 s", e.Message);
        Assert.Contains($"put it at {Path.Combine(folder.Path, "matbench", "matbench_x.json.gz")}", e.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void AnExtractorDownloadThatStallsNamesTheUrlAndTheCachePathToFill()
    {
        using var data = new TempFolder();
        using var server = LoopbackServer.StallingAfter(sent: 1000, length: 5000);
        using var env = new EnvironmentScope()
            .Set(VerifiedDownload.OfflineVariable, null)
            .Set(DataLocations.DataPathVariable, data.Path)
            .Set(DataLocations.CachePathVariable, folder.Path)
            .Set(DownloadOptions.MirrorVariable, server.BaseUrl + "/mirror/")
            .Set(DownloadOptions.StallVariable, "1");
        var entry = PaperExtractors.Find("mp_gvrh");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<FileNotFoundException>(() => ExtractorLibrary.Load("mp_gvrh"));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Contains($"{server.BaseUrl}/mirror/{new Uri(entry.DownloadUrl).Segments[^1]} stalled", e.Message);
        Assert.Contains($"Download {entry.DownloadUrl} yourself and save it as {Path.Combine(folder.Path, "extractors", "pytorch", "mp_gvrh.pth.tar")}", e.Message);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void TimeoutsComeFromTheEnvironmentAndABadValueIsNamed()
    {
        using var env = new EnvironmentScope().Set(DownloadOptions.StallVariable, null).Set(DownloadOptions.ConnectVariable, "2.5");
        var options = DownloadOptions.FromEnvironment();
        Assert.Equal(TimeSpan.FromSeconds(60), options.StallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.ConnectTimeout);
        env.Set(DownloadOptions.StallVariable, "soon");
        var e = Assert.Throws<ArgumentException>(() => DownloadOptions.FromEnvironment());
        Assert.Contains($"${DownloadOptions.StallVariable} must be a positive number of seconds, not 'soon'", e.Message);
    }

    [Fact]
    public void ProgressReadsAsSizesAndRate()
    {
        Assert.Equal("12.3 of 45.6 MB, 2.1 MB/s", new DownloadProgress("u", "t", 12_300_000, 45_600_000, TimeSpan.FromSeconds(6)).ToString());
        Assert.Equal("12.3 MB, 2.1 MB/s", new DownloadProgress("u", "t", 12_300_000, null, TimeSpan.FromSeconds(6)).ToString());
        Assert.Equal(26, new DownloadProgress("u", "t", 12_300_000, 45_600_000, TimeSpan.FromSeconds(6)).PercentComplete);
    }

    string[] FilesLeft() => Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories);

    static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public void Dispose() => folder.Dispose();
}
