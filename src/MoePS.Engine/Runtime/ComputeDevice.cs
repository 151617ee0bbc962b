using TorchSharp;

namespace MoePS.Engine.Runtime;

/// <summary>A device MoePS can compute on: "cpu" or "cuda:N".</summary>
public sealed record ComputeDevice(string Name, string Kind, int Index, string Description, long? MemoryBytes)
{
    public torch.Device ToTorch() => Kind == "cuda" ? new torch.Device(DeviceType.CUDA, Index) : torch.CPU;

    public override string ToString() => Name;

    /// <summary>cpu, then every CUDA device libtorch can see.</summary>
    public static IReadOnlyList<ComputeDevice> Available()
    {
        TorchRuntime.EnsureLoaded();
        var list = new List<ComputeDevice>
        {
            new("cpu", "cpu", 0, $"CPU ({Environment.ProcessorCount} logical cores, {torch.get_num_threads()} torch threads)", null),
        };
        if (torch.cuda.is_available())
            for (int i = 0; i < torch.cuda.device_count(); i++)
                list.Add(Cuda(i));
        return list;
    }

    static ComputeDevice Cuda(int index)
    {
        var (name, memory, problem) = CudaDeviceInfo.Query(index);
        string description = problem == null
            ? $"{name}, {memory / (1024.0 * 1024 * 1024):F1} GiB"
            : $"CUDA device {index}{(name != null ? $" {name}" : "")} (name/memory unknown: {problem}; TorchSharp does not report them)";
        return new($"cuda:{index}", "cuda", index, description, memory);
    }

    /// <summary>The default: the first CUDA device if there is one, else the CPU.</summary>
    public static ComputeDevice Default()
    {
        var available = Available();
        return available.FirstOrDefault(d => d.Kind == "cuda") ?? available[0];
    }

    /// <summary>Parses "cpu", "cuda" (= cuda:0) or "cuda:N", checking the device exists.</summary>
    public static ComputeDevice Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Default();
        string n = name.Trim().ToLowerInvariant();
        if (n == "cuda") n = "cuda:0";
        var available = Available();
        return available.FirstOrDefault(d => d.Name == n)
            ?? throw new ArgumentException(
                $"Device '{name}' is not available here. Available: {string.Join(", ", available.Select(d => d.Name))}" +
                (n.StartsWith("cuda", StringComparison.Ordinal) ? ". CUDA needs a GPU and a module built with './build.ps1 Build -Backend Cuda'." : "."));
    }
}
