using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;

namespace MoePS.Engine.Tests;

/// <summary>The libtorch version of a $MOEPS_LIBTORCH_PATH folder, on fake folders laid out as each distribution lays them.</summary>
public sealed class LibTorchVersionTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-libtorch-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    string Lib(string distribution)
    {
        string lib = Path.Combine(root, distribution, "lib");
        Directory.CreateDirectory(lib);
        return lib;
    }

    static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void ShimBuiltForIsTheLibTorchOfTheTorchSharpPackage() =>
        Assert.Equal(LibTorchVersion.ShimBuiltFor, LibTorchVersion.Release(torch.__version__));

    [Fact]
    public void ReadsPyTorchsVersionPyBesideLib()
    {
        string lib = Lib("torch");
        Write(Path.Combine(root, "torch", "version.py"), "from typing import Optional\n__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n");
        var found = LibTorchVersion.Detect(lib);
        Assert.Equal("2.11.0+cu130", found?.Version);
        Assert.EndsWith("version.py", found?.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsTheLibTorchZipsBuildVersion()
    {
        string lib = Lib("libtorch");
        Write(Path.Combine(root, "libtorch", "build-version"), "2.10.0+cpu\n");
        Assert.Equal("2.10.0+cpu", LibTorchVersion.Detect(lib)?.Version);
        Assert.Null(LibTorchVersion.MismatchWarning(lib));
    }

    [Fact]
    public void ReadsTheVersionHeaderUnderInclude()
    {
        string lib = Lib("headers");
        Write(Path.Combine(root, "headers", "include", "torch", "csrc", "api", "include", "torch", "version.h"),
            "#pragma once\n#define TORCH_VERSION_MAJOR 2\n#define TORCH_VERSION_MINOR 9\n#define TORCH_VERSION_PATCH 1\n");
        Assert.Equal("2.9.1", LibTorchVersion.Detect(lib)?.Version);
    }

    [Fact]
    public void ReadsTheNuGetPackageFolder()
    {
        string native = Path.Combine(root, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        Assert.Equal("2.10.0", LibTorchVersion.Detect(native)?.Version);
    }

    [Fact]
    public void AnotherReleaseGivesAWarningNamingBothVersionsAndTheShimBuild()
    {
        string lib = Lib("torch");
        Write(Path.Combine(root, "torch", "version.py"), "__version__ = \"2.11.0+cu130\"\n");
        string? warning = LibTorchVersion.MismatchWarning(lib);
        Assert.NotNull(warning);
        Assert.Contains(TorchRuntime.LibTorchPathVariable, warning, StringComparison.Ordinal);
        Assert.Contains("libtorch 2.11.0+cu130", warning, StringComparison.Ordinal);
        Assert.Contains($"built for libtorch {LibTorchVersion.ShimBuiltFor}", warning, StringComparison.Ordinal);
        Assert.Contains("build-shim.sh", warning, StringComparison.Ordinal);
        Assert.Equal(warning, LibTorchVersion.LoadFailureAdvice(lib));
    }

    [Fact]
    public void AnUnknownVersionGivesNoWarningButALoadFailureSaysSo()
    {
        string lib = Lib("bare");
        Assert.Null(LibTorchVersion.Detect(lib));
        Assert.Null(LibTorchVersion.MismatchWarning(lib));
        Assert.Contains("could not be determined", LibTorchVersion.LoadFailureAdvice(lib), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.11.0+cu130", "2.11.0")]
    [InlineData("2.10.0.0", "2.10.0")]
    [InlineData("nightly", null)]
    public void ReleaseIsMajorMinorPatch(string version, string? release) => Assert.Equal(release, LibTorchVersion.Release(version));
}
