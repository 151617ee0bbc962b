namespace MoePS.Engine.Models;

/// <summary>A crystal holds an element that a model's element-feature table has no vector for.</summary>
public sealed class UnsupportedElementException : ArgumentException
{
    public string CrystalId { get; }
    public int AtomicNumber { get; }

    /// <param name="source">The crystal's file (and block or row), named since many files may share an id; null when unknown.</param>
    public UnsupportedElementException(string crystalId, int atomicNumber, string symbol, string coverage, string? source = null)
        : base($"Crystal '{crystalId}'{(source == null ? "" : $" ({source})")} contains {symbol} (Z={atomicNumber}), which the element-feature table has no features for ({coverage}).")
    {
        CrystalId = crystalId;
        AtomicNumber = atomicNumber;
    }
}
