namespace MoePS.Engine.Models;

/// <summary>A crystal holds an element that a model's element-feature table has no vector for.</summary>
public sealed class UnsupportedElementException : ArgumentException
{
    public string CrystalId { get; }
    public int AtomicNumber { get; }

    public UnsupportedElementException(string crystalId, int atomicNumber, string symbol, string coverage)
        : base($"Crystal '{crystalId}' contains {symbol} (Z={atomicNumber}), which the element-feature table has no features for ({coverage}).")
    {
        CrystalId = crystalId;
        AtomicNumber = atomicNumber;
    }
}
