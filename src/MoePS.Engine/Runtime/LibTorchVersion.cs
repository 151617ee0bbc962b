using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;

namespace MoePS.Engine.Runtime;

/// <summary>
/// The libtorch version of a folder of libtorch libraries (what $MOEPS_LIBTORCH_PATH names), read from the files that
/// lie beside them in each distribution, and whether TorchSharp's native shim was built for it. The shim calls
/// libtorch's C++ API, which has no stable ABI: a shim built for one libtorch may not load, or may fail at first use,
/// with another.
/// </summary>
public static partial class LibTorchVersion
{
    /// <summary>The libtorch that TorchSharp 0.107.0's libLibTorchSharp.so was built against (its NuGet package says so).</summary>
    public const string ShimBuiltFor = "2.10.0";

    /// <summary>Where README explains how to build the shim for another libtorch.</summary>
    public const string ShimBuildHelp = "README, section 'GPU kit': build-shim.sh in the kit compiles the shim from TorchSharp's sources against a given libtorch";

    /// <summary>The libtorch version found for <paramref name="libFolder"/> and the file it was read from, or null when none says.</summary>
    public static (string Version, string Source)? Detect(string libFolder)
    {
        ArgumentNullException.ThrowIfNull(libFolder);
        string lib = Path.GetFullPath(libFolder).TrimEnd(Path.DirectorySeparatorChar);
        string parent = Path.GetDirectoryName(lib) ?? lib;
        // PyTorch: torch/lib beside torch/version.py ("__version__ = '2.11.0+cu130'").
        string versionPy = Path.Combine(parent, "version.py");
        if (FirstMatch(versionPy, PythonVersion()) is { } py) return (py, versionPy);
        // The libtorch zip: libtorch/lib beside libtorch/build-version ("2.10.0+cpu").
        string buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion) && File.ReadLines(buildVersion).FirstOrDefault()?.Trim() is { Length: > 0 } built)
            return (built, buildVersion);
        // Both: the C++ API's version header under include/.
        string header = Path.Combine(parent, "include", "torch", "csrc", "api", "include", "torch", "version.h");
        if (HeaderVersion(header) is { } fromHeader) return (fromHeader, header);
        // NuGet: <packages>/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native.
        var nuget = NuGetLayout().Match(lib.Replace('\\', '/'));
        if (nuget.Success) return (nuget.Groups[1].Value, $"the NuGet package folder {nuget.Value}");
        return null;
    }

    /// <summary>Major.minor.patch of a version such as "2.11.0+cu130" or "2.10.0.0", or null when it has none.</summary>
    public static string? Release(string version)
    {
        var m = ReleaseDigits().Match(version ?? "");
        return m.Success ? m.Value : null;
    }

    /// <summary>
    /// The warning to give when <paramref name="libFolder"/> holds a libtorch of another release than <see cref="ShimBuiltFor"/>,
    /// or null when it holds that release or its version is unknown.
    /// </summary>
    public static string? MismatchWarning(string libFolder)
    {
        if (Detect(libFolder) is not { } found || Release(found.Version) is not { } release || release == ShimBuiltFor) return null;
        return $"${TorchRuntime.LibTorchPathVariable} points to libtorch {found.Version} (from {found.Source}), but TorchSharp {TorchSharpVersion}'s " +
            $"native shim libLibTorchSharp.so was built for libtorch {ShimBuiltFor}; it may fail to load, or fail at first use. " +
            $"Build the shim against this libtorch: see {ShimBuildHelp}.";
    }

    /// <summary>What a failed load from <paramref name="libFolder"/> adds to its error: the version mismatch, or that the version is unknown.</summary>
    public static string LoadFailureAdvice(string libFolder) =>
        MismatchWarning(libFolder) ?? (Detect(libFolder) is null
            ? $"The libtorch version in '{libFolder}' could not be determined (no version.py, build-version or include/ beside it); " +
              $"TorchSharp {TorchSharpVersion}'s shim needs libtorch {ShimBuiltFor}, or one built for it: see {ShimBuildHelp}."
            : $"It is libtorch {ShimBuiltFor}, the release TorchSharp {TorchSharpVersion}'s shim was built for.");

    static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version!.ToString(3);

    static string? FirstMatch(string file, Regex pattern)
    {
        if (!File.Exists(file)) return null;
        foreach (string line in File.ReadLines(file))
        {
            var m = pattern.Match(line);
            if (m.Success) return m.Groups[1].Value;
        }
        return null;
    }

    static string? HeaderVersion(string header)
    {
        if (!File.Exists(header)) return null;
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(header))
        {
            var m = HeaderDefine().Match(line);
            if (m.Success) parts[m.Groups[1].Value] = m.Groups[2].Value;
        }
        return parts.TryGetValue("MAJOR", out var major) && parts.TryGetValue("MINOR", out var minor) && parts.TryGetValue("PATCH", out var patch)
            ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}.{patch}")
            : null;
    }

    [GeneratedRegex(@"^\s*__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex PythonVersion();

    [GeneratedRegex(@"^\s*#\s*define\s+TORCH_VERSION_(MAJOR|MINOR|PATCH)\s+(\d+)")]
    private static partial Regex HeaderDefine();

    [GeneratedRegex(@"libtorch-[^/]+/(\d+\.\d+\.\d+[^/]*)/runtimes/[^/]+/native$", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetLayout();

    [GeneratedRegex(@"^\d+\.\d+\.\d+")]
    private static partial Regex ReleaseDigits();
}
