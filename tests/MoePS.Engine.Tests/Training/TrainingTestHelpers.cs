using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

/// <summary>An IProgress that runs its handler synchronously on the reporting thread.</summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}

internal static class TrainingAssert
{
    /// <summary>Histories equal in every number except the wall time.</summary>
    public static void SameHistory(IReadOnlyList<EpochRecord> expected, IReadOnlyList<EpochRecord> actual) =>
        Assert.Equal(expected.Select(r => r with { Seconds = 0 }), actual.Select(r => r with { Seconds = 0 }));

    /// <summary>Every tensor of two models equal, bit for bit.</summary>
    public static void SameState(Dictionary<string, double[]> expected, Dictionary<string, double[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected) Assert.Equal(values, actual[name]);
    }
}
