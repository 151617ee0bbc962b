using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// What an interaction layer reads off the directed pairs of a batch: the pair's atoms, the radial basis of its length
/// and the cosine envelope 0.5·(cos(πr/r_c) + 1). Basis and Envelope have a row per pair, or, with
/// <see cref="RadialRow"/>, a row per distinct (basis, envelope) that the pairs index (<see cref="SharingRadialRows"/>).
/// Pairs <see cref="Joined"/> from several crystals know where each crystal's pairs end (<see cref="PartEnds"/>).
/// </summary>
public sealed record RadialPairs(Tensor Source, Tensor Target, Tensor Basis, Tensor Envelope, Tensor? RadialRow = null)
{
    /// <summary>
    /// Where the pairs of each joined part end, cumulative (the last is the pair count), when each part's pairs touch only its
    /// own atoms and radial rows, as the crystals of a <see cref="Joined"/> batch do; null otherwise. Lets work be split over
    /// threads by parts with no two threads writing one atom or row.
    /// </summary>
    public IReadOnlyList<long>? PartEnds { get; init; }

    public IEnumerable<Tensor> Tensors => new[] { Source, Target, Basis, Envelope }.Concat(RadialRow is null ? [] : [RadialRow]);

    /// <summary>Values computed per row of Basis and Envelope, [rows, …], as one per pair, [pairs, …].</summary>
    public Tensor PerPair(Tensor perRow) => RadialRow is null ? perRow : perRow.index_select(0, RadialRow);

    /// <summary>Each tensor through <paramref name="map"/> (a copy to a device, say).</summary>
    public RadialPairs Map(Func<Tensor, Tensor> map) =>
        new(map(Source), map(Target), map(Basis), map(Envelope), RadialRow is null ? null : map(RadialRow)) { PartEnds = PartEnds };

    /// <summary>
    /// The same pairs with one Basis and Envelope row per distinct row (equal bit for bit, as the pairs of one length in a
    /// crystal are), which <see cref="RadialRow"/> indexes, so that a layer's radial network runs once per distinct row
    /// (3–8 times fewer than pairs in the paper's tasks). Made in the caller's dispose scope.
    /// </summary>
    public RadialPairs SharingRadialRows()
    {
        if (RadialRow is not null) return this;
        using var scope = NewDisposeScope();
        var rows = cat(new[] { Basis, Envelope.unsqueeze(1) }, 1).to(ScalarType.Float64, CPU).contiguous();
        int width = (int)rows.shape[1];
        var values = rows.data<double>().ToArray();
        var first = new Dictionary<long[], long>(BitsComparer.Instance);
        var distinct = new List<long>();
        var rowOfPair = new long[rows.shape[0]];
        for (int p = 0; p < rowOfPair.Length; p++)
        {
            var key = new long[width];
            for (int j = 0; j < width; j++) key[j] = BitConverter.DoubleToInt64Bits(values[p * width + j]);
            if (!first.TryGetValue(key, out long row))
            {
                row = distinct.Count;
                first.Add(key, row);
                distinct.Add(p);
            }
            rowOfPair[p] = row;
        }
        var kept = tensor(distinct.ToArray(), device: Basis.device);
        return new RadialPairs(Source, Target, Basis.index_select(0, kept).MoveToOuterDisposeScope(),
            Envelope.index_select(0, kept).MoveToOuterDisposeScope(), tensor(rowOfPair, device: Basis.device).MoveToOuterDisposeScope())
        {
            PartEnds = PartEnds,
        };
    }

    /// <summary>The same pairs with a Basis and Envelope row per pair again (the inverse of <see cref="SharingRadialRows"/>).</summary>
    public RadialPairs RowPerPair() =>
        RadialRow is null ? this : new RadialPairs(Source, Target, PerPair(Basis), PerPair(Envelope)) { PartEnds = PartEnds };

    /// <summary>
    /// The pairs of several crystals as one batch, their atoms one crystal after another: each part's atom indices
    /// shifted by the atoms of the parts before it (<paramref name="atomCounts"/>), and its radial rows by theirs.
    /// </summary>
    public static RadialPairs Joined(IReadOnlyList<RadialPairs> parts, IReadOnlyList<int> atomCounts)
    {
        bool shared = parts.Count > 0 && parts[0].RadialRow is not null;
        if (parts.Any(p => (p.RadialRow is not null) != shared))
            throw new ArgumentException("Either every part shares its radial rows or none does.", nameof(parts));
        long firstAtom = 0, firstRow = 0, firstPair = 0;
        var ends = new long[parts.Count];
        var source = new Tensor[parts.Count];
        var target = new Tensor[parts.Count];
        var radialRow = new Tensor[shared ? parts.Count : 0];
        for (int i = 0; i < parts.Count; i++)
        {
            using Scalar atomShift = firstAtom, rowShift = firstRow;
            source[i] = parts[i].Source.add(atomShift);
            target[i] = parts[i].Target.add(atomShift);
            if (shared) radialRow[i] = parts[i].RadialRow!.add(rowShift);
            firstAtom += atomCounts[i];
            firstRow += parts[i].Basis.shape[0];
            ends[i] = firstPair += parts[i].Source.shape[0];
        }
        return new RadialPairs(cat(source, 0), cat(target, 0), cat(parts.Select(p => p.Basis).ToArray(), 0),
            cat(parts.Select(p => p.Envelope).ToArray(), 0), shared ? cat(radialRow, 0) : null) { PartEnds = ends };
    }

    /// <summary>Rows as the bits of their doubles: equal exactly when every value is the same double.</summary>
    sealed class BitsComparer : IEqualityComparer<long[]>
    {
        public static readonly BitsComparer Instance = new();

        public bool Equals(long[]? x, long[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(long[] row)
        {
            var hash = new HashCode();
            foreach (long bits in row) hash.Add(bits);
            return hash.ToHashCode();
        }
    }
}
