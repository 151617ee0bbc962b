using System.Globalization;

namespace MoePS.Engine.Runtime;

/// <summary>
/// How <see cref="VerifiedDownload"/> treats a slow or silent server. Defaults: 30 s to connect,
/// and a download fails once no byte has come for 60 s (while waiting for the response or within
/// the body); a slow but steady link never times out. Each setting can be overridden through its
/// environment variable (e.g. MOEPS_DOWNLOAD_STALL_SECONDS=300 on a link with long pauses).
/// </summary>
public sealed record DownloadOptions
{
    /// <summary>Seconds to wait for the TCP/TLS connection.</summary>
    public const string ConnectVariable = "MOEPS_DOWNLOAD_CONNECT_SECONDS";

    /// <summary>Seconds without a byte from the server after which a download fails.</summary>
    public const string StallVariable = "MOEPS_DOWNLOAD_STALL_SECONDS";

    /// <summary>
    /// Base URL of a mirror holding the pinned files under their original file names (the last part
    /// of each origin URL); every download then comes from &lt;mirror&gt;/&lt;file&gt;, SHA-256 still checked.
    /// </summary>
    public const string MirrorVariable = "MOEPS_DOWNLOAD_MIRROR";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>See <see cref="MirrorVariable"/>; null = each file's origin.</summary>
    public string? Mirror { get; init; }

    /// <summary>The defaults, overridden by whichever of the environment variables are set; an unusable value is an <see cref="ArgumentException"/> naming it.</summary>
    public static DownloadOptions FromEnvironment()
    {
        var defaults = new DownloadOptions();
        return new DownloadOptions
        {
            ConnectTimeout = SecondsFrom(ConnectVariable) ?? defaults.ConnectTimeout,
            StallTimeout = SecondsFrom(StallVariable) ?? defaults.StallTimeout,
            Mirror = Environment.GetEnvironmentVariable(MirrorVariable) is { Length: > 0 } mirror ? mirror : null,
        };
    }

    /// <summary>Where <paramref name="url"/> is fetched from: the mirror's copy when there is a mirror, else the URL itself.</summary>
    public string SourceOf(string url) =>
        Mirror == null ? url : Mirror.TrimEnd('/') + "/" + new Uri(url).Segments[^1];

    static TimeSpan? SecondsFrom(string variable)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > int.MaxValue / 1000)
            throw new ArgumentException($"${variable} must be a positive number of seconds, not '{text}'.", variable);
        return TimeSpan.FromSeconds(seconds);
    }
}
