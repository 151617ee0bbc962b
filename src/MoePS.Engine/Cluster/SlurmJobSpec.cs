using System.Text.Json;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Cluster;

/// <summary>
/// What every kind of job spec shares: written as JSON into the job folder at submission, read back
/// by each array task, and the device its tasks run on.
/// </summary>
/// <param name="Device">cpu, cuda, cuda:N, or auto: each node's first GPU, else its CPU.</param>
public abstract record SlurmJobSpec(string Device)
{
    /// <summary>The device on the node that runs the task.</summary>
    public ComputeDevice ResolveDevice() => ComputeDevice.Parse(Device == "auto" ? null : Device);

    public void Save(string path) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, GetType(), SlurmJobFolder.Json), overwrite: true);

    /// <summary>The spec in <paramref name="path"/>; a <see cref="SlurmException"/> naming the file and the <paramref name="kind"/> of job when it holds none.</summary>
    protected static TSpec Load<TSpec>(string path, string kind) where TSpec : SlurmJobSpec
    {
        try
        {
            return JsonSerializer.Deserialize<TSpec>(File.ReadAllText(path), SlurmJobFolder.Json)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new SlurmException($"{path} is not a MoePS {kind} job spec: {e.Message}", e);
        }
    }
}
