using System.Globalization;

namespace MoePS.Engine.Runtime;

/// <summary>How far one download has come; <see cref="ToString"/> reads "12.3 of 45.6 MB, 2.1 MB/s".</summary>
/// <param name="Url">Where the file comes from.</param>
/// <param name="Target">Where it will be kept.</param>
/// <param name="BytesReceived">Bytes so far.</param>
/// <param name="TotalBytes">The size the server announced, or null.</param>
/// <param name="Elapsed">Time since the request was sent.</param>
public sealed record DownloadProgress(string Url, string Target, long BytesReceived, long? TotalBytes, TimeSpan Elapsed)
{
    /// <summary>Mean rate since the request was sent.</summary>
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? BytesReceived / Elapsed.TotalSeconds : 0;

    /// <summary>0–100, or −1 when the size is unknown.</summary>
    public int PercentComplete => TotalBytes is long total && total > 0 ? (int)Math.Min(100, 100 * BytesReceived / total) : -1;

    /// <summary>At the mean rate so far, or null when the size or the rate is unknown.</summary>
    public TimeSpan? Remaining => TotalBytes is long total && BytesPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, total - BytesReceived) / BytesPerSecond) : null;

    public override string ToString() => TotalBytes is long total
        ? string.Create(CultureInfo.InvariantCulture, $"{Megabytes(BytesReceived)} of {Megabytes(total)} MB, {Megabytes((long)BytesPerSecond)} MB/s")
        : string.Create(CultureInfo.InvariantCulture, $"{Megabytes(BytesReceived)} MB, {Megabytes((long)BytesPerSecond)} MB/s");

    /// <summary>Decimal megabytes with one decimal, as download tools show them.</summary>
    internal static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
