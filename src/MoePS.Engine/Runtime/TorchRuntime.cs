using System.Runtime.InteropServices;
using TorchSharp;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Loads libtorch and TorchSharp's native shim by absolute path before TorchSharp first runs.
/// TorchSharp's own loader, when its load fails, silently copies ~480 MB of natives from the
/// NuGet cache into a folder of its choosing; loading them ourselves first turns every such
/// failure into one <see cref="TorchLoadException"/> naming the library and the loader's reason.
/// A libtorch from <see cref="LibTorchPathVariable"/> of another release than TorchSharp's shim was built for
/// is loaded all the same, with <see cref="VersionWarning"/> set (and the mismatch named in a load failure).
/// </summary>
public static class TorchRuntime
{
    /// <summary>Folder of an external libtorch (e.g. PyTorch's CUDA build) to load instead of the bundled one.</summary>
    public const string LibTorchPathVariable = "MOEPS_LIBTORCH_PATH";

    static readonly object Sync = new();
    static string? loadedFrom;

    /// <summary>Where LibTorchSharp was loaded from, once loaded.</summary>
    public static string? LoadedFrom => loadedFrom;

    /// <summary>
    /// Once loaded: why the libtorch of <see cref="LibTorchPathVariable"/> may not work with TorchSharp's shim (another
    /// release than <see cref="LibTorchVersion.ShimBuiltFor"/>), or null. Hosts show it to the user.
    /// </summary>
    public static string? VersionWarning { get; private set; }

    public static void EnsureLoaded()
    {
        if (loadedFrom != null) return;
        lock (Sync)
        {
            if (loadedFrom != null) return;
            NativeMemory.Tune();
            string shim = FindShim();
            string? external = Environment.GetEnvironmentVariable(LibTorchPathVariable);
            if (string.IsNullOrWhiteSpace(external))
                LoadShim(shim);
            else
            {
                try
                {
                    PreloadExternalLibTorch(external);
                    LoadShim(shim);
                }
                catch (TorchLoadException e) when (Directory.Exists(external))
                {
                    throw new TorchLoadException(e.Library, $"{e.Reason}. {LibTorchVersion.LoadFailureAdvice(external)}", e);
                }
                VersionWarning = LibTorchVersion.MismatchWarning(external);
            }
            loadedFrom = shim;
        }
    }

    static void LoadShim(string shim)
    {
        Load(shim);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e)
        {
            throw new TorchLoadException(shim, e.Message, e);
        }
    }

    static string FindShim()
    {
        string torchDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        string[] candidates =
        {
            Path.Combine(torchDir, "libLibTorchSharp.so"),
            Path.Combine(torchDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
        };
        foreach (string c in candidates)
            if (File.Exists(c)) return c;
        throw new TorchLoadException(candidates[0],
            "the file is missing; the module folder is incomplete (rebuild with ./build.ps1 Build)");
    }

    static void PreloadExternalLibTorch(string folder)
    {
        if (!Directory.Exists(folder))
            throw new TorchLoadException(folder, $"{LibTorchPathVariable} points to a folder that does not exist");
        // Order matters: each library's dependencies first.
        foreach (string name in new[] { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so" })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) Load(path);
        }
    }

    static void Load(string path)
    {
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchLoadException(path, e.Message, e);
        }
        catch (BadImageFormatException e)
        {
            throw new TorchLoadException(path, e.Message, e);
        }
    }
}
