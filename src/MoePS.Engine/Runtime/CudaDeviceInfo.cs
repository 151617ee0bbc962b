using System.Runtime.InteropServices;
using System.Text;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Name and total memory of a CUDA device, asked of the NVIDIA driver (libcuda's cuDeviceGetName and
/// cuDeviceTotalMem_v2), because TorchSharp 0.107 exposes neither. Device ordinals are the driver's,
/// the same numbering libtorch uses (both honour CUDA_VISIBLE_DEVICES).
/// </summary>
public static unsafe class CudaDeviceInfo
{
    const int Success = 0;

    /// <summary>
    /// The device's name and memory in bytes, or the reason they are unknown. Without the NVIDIA driver the reason
    /// is "the NVIDIA driver library libcuda.so.1 could not be loaded"; for an ordinal the driver does not know it is
    /// "cuDeviceGet(N) failed with CUresult 101" (CUDA_ERROR_INVALID_DEVICE).
    /// </summary>
    public static (string? Name, long? MemoryBytes, string? Problem) Query(int ordinal)
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var library) && !NativeLibrary.TryLoad("libcuda.so", out library))
            return (null, null, "the NVIDIA driver library libcuda.so.1 could not be loaded");
        try
        {
            var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(library, "cuInit");
            var get = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(library, "cuDeviceGet");
            var getName = (delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(library, "cuDeviceGetName");
            var totalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibrary.GetExport(library, "cuDeviceTotalMem_v2");
            int status = init(0);
            if (status != Success) return (null, null, $"cuInit failed with CUresult {status}");
            int device;
            status = get(&device, ordinal);
            if (status != Success) return (null, null, $"cuDeviceGet({ordinal}) failed with CUresult {status}");
            var name = new byte[256];
            string? deviceName = null;
            fixed (byte* p = name)
                if (getName(p, name.Length, device) == Success)
                    deviceName = Encoding.UTF8.GetString(name, 0, Math.Max(0, Array.IndexOf(name, (byte)0))).Trim();
            nuint bytes;
            long? memory = totalMem(&bytes, device) == Success ? (long)bytes : null;
            return (deviceName, memory, deviceName == null || memory == null ? "the driver did not report the name or memory" : null);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, null, $"libcuda lacks {e.Message}");
        }
    }
}
