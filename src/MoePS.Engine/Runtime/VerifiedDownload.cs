using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Downloads of pinned files (datasets, the paper's checkpoints): streamed to a temporary file, SHA-256
/// checked, then renamed into place, so neither a killed download nor a wrong file is ever kept.
/// A server that does not connect or goes silent fails the download (see <see cref="DownloadOptions"/>).
/// </summary>
public static class VerifiedDownload
{
    /// <summary>Set to anything but 0/false to forbid downloads.</summary>
    public const string OfflineVariable = "MOEPS_OFFLINE";

    static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The value of $MOEPS_OFFLINE when it forbids downloads, else null.</summary>
    public static string? DisabledBy() =>
        Environment.GetEnvironmentVariable(OfflineVariable) is { Length: > 0 } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? v : null;

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>
    /// Fetches <paramref name="url"/> (or its mirror copy) into <paramref name="target"/>, reporting progress
    /// on the calling thread about four times a second. Transport failures surface as
    /// <see cref="HttpRequestException"/> naming the URL or <see cref="IOException"/>; a server that does not connect or
    /// sends nothing for <see cref="DownloadOptions.StallTimeout"/> as <see cref="TimeoutException"/> naming the URL;
    /// a file with another SHA-256 as <see cref="InvalidDataException"/>; cancellation as <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="options">Timeouts and mirror; null = <see cref="DownloadOptions.FromEnvironment"/>.</param>
    public static void Fetch(string url, string target, string sha256, DownloadOptions? options = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= DownloadOptions.FromEnvironment();
        string from = options.SourceOf(url);
        AtomicFile.Write(target, overwrite: true, temp =>
        {
            string actual = Receive(from, target, temp, options, progress, cancel);
            if (actual != sha256)
                throw new InvalidDataException($"The download of {from} has SHA-256 {actual}, expected {sha256}; it was not kept.");
        });
    }

    /// <summary>Streams the body into <paramref name="temp"/>; returns its SHA-256.</summary>
    static string Receive(string url, string target, string temp, DownloadOptions options, IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }; // a steady slow link may take hours
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var clock = Stopwatch.StartNew();
        long received = 0;
        long? total = null;
        bool answered = false;
        try
        {
            progress?.Report(new DownloadProgress(url, target, 0, null, clock.Elapsed));
            stall.CancelAfter(options.StallTimeout);
            using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token).GetAwaiter().GetResult();
            answered = true;
            response.EnsureSuccessStatusCode();
            total = response.Content.Headers.ContentLength;
            using var body = response.Content.ReadAsStreamAsync(stall.Token).GetAwaiter().GetResult();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[1 << 16];
            var lastReport = -ReportInterval; // the first bytes are shown at once
            while (true)
            {
                stall.CancelAfter(options.StallTimeout); // restarts the stall clock
                int n = body.ReadAsync(buffer, stall.Token).AsTask().GetAwaiter().GetResult();
                if (n == 0) break;
                hash.AppendData(buffer, 0, n);
                file.Write(buffer, 0, n);
                received += n;
                if (clock.Elapsed - lastReport >= ReportInterval)
                {
                    lastReport = clock.Elapsed;
                    progress?.Report(new DownloadProgress(url, target, received, total, clock.Elapsed));
                }
            }
            progress?.Report(new DownloadProgress(url, target, received, total, clock.Elapsed));
            return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"Could not download {url}: {e.Message}", e, e.StatusCode);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            string waitLonger = $"set ${DownloadOptions.StallVariable} to wait longer";
            if (!stall.IsCancellationRequested)
                throw new TimeoutException(
                    $"Could not connect to {url} within {Seconds(options.ConnectTimeout)} (set ${DownloadOptions.ConnectVariable} to wait longer).", e);
            string silence = Seconds(options.StallTimeout);
            throw new TimeoutException(answered
                ? $"The download of {url} stalled: no data for {silence} after {DownloadProgress.Megabytes(received)}" +
                  (total is long t ? $" of {DownloadProgress.Megabytes(t)} MB" : " MB") + $" ({waitLonger})."
                : $"{url} sent no response within {silence} ({waitLonger}).", e);
        }
    }

    static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
