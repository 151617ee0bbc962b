using Xunit;

namespace MoePS.Engine.Tests.Models;

/// <summary>
/// Tests that change process environment variables, or libtorch's thread count (which also sets the count that threads
/// starting their first torch work take), or that measure glibc's heap, run alone, never beside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "xunit names collection definitions *Collection.")]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>Sets environment variables for one test and restores them afterwards.</summary>
public sealed class EnvironmentScope : IDisposable
{
    readonly Dictionary<string, string?> saved = new();

    public EnvironmentScope Set(string name, string? value)
    {
        if (!saved.ContainsKey(name)) saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
    }
}
