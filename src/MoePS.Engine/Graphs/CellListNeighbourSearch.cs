using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>
/// O(N) periodic neighbour search with linked cells, giving exactly CGCNN's graph.
/// </summary>
/// <remarks>
/// Atoms are wrapped into the cell and binned along the lattice directions (fractional bins).
/// A bin's thickness along axis k is at least radius/<see cref="BinsPerRadius"/>, measured
/// between the lattice planes, so any neighbour within the radius lies at most
/// ceil(radius/thickness) bins away along every axis, however skewed the cell. Bins past the
/// cell edge wrap around with a lattice-vector image shift, which handles cells smaller than
/// the radius (1-atom cells) and cells with much vacuum (2D materials) alike. Per atom, bins
/// are skipped when their slab along any axis, or their enclosing sphere, is beyond the radius.
/// <para>
/// Distances are computed with the same floating-point operations as
/// <see cref="BruteForceNeighbourSearch"/> — wrapped fractional → Cartesian, shift =
/// n·a + n·b + n·c, d = |(x_j + shift) − x_i| — so both give bit-identical distances.
/// </para>
/// <para>
/// Tie-breaking: neighbours are ordered by distance, then by neighbour index. Two images of
/// the same neighbour at the same distance are interchangeable, since the graph stores only
/// (index, distance). pymatgen's stable sort can order a shell of symmetry-equivalent
/// neighbours differently where their distances differ by an ulp; the kept distances are the
/// same and, for the golden structures, so is the multiset of kept indices. Where a shell holds several
/// atoms the kept atoms can differ from the paper code's; <see cref="NeighbourTies"/> finds those shells.
/// </para>
/// </remarks>
public static class CellListNeighbourSearch
{
    /// <summary>Bins per radius along each lattice direction (where the cell is wide enough).</summary>
    const int BinsPerRadius = 2;
    const double Slack = 1e-9;

    [ThreadStatic] static Workspace? workspace;

    public static CrystalGraph Build(Crystal crystal, GraphSettings settings)
    {
        int n = crystal.AtomCount, m = settings.MaxNeighbours;
        var index = new int[n * m];
        var distance = new double[n * m];
        var ws = workspace ??= new Workspace();
        ws.Prepare(crystal, settings.Radius);
        for (int i = 0; i < n; i++)
        {
            var nearest = new NearestSink(index, distance, i * m, m, settings.Radius);
            ws.Search(i, settings.Radius, ref nearest);
            nearest.Pad(settings.PadDistance);
        }
        return new CrystalGraph(crystal.AtomicNumbers, index, distance, m);
    }

    /// <summary>
    /// Every directed pair (i, j, image) with 1e-8 Å &lt; |x_j + image·L − x_i| ≤ <paramref name="radius"/>, periodic
    /// images included and no cap on their number; images are counted from the crystal's own (unwrapped) fractional
    /// coordinates. Pairs are grouped by source atom i.
    /// </summary>
    public static NeighbourPairs PairsWithin(Crystal crystal, double radius)
    {
        var ws = workspace ??= new Workspace();
        ws.Prepare(crystal, radius);
        var pairs = new PairSink(crystal, radius);
        for (int i = 0; i < crystal.AtomCount; i++)
        {
            pairs.Source = i;
            ws.Search(i, radius, ref pairs);
        }
        return pairs.ToPairs();
    }

    /// <summary>Takes the candidates of one atom's search: other atoms' images, offered only within <see cref="Limit2"/>.</summary>
    interface INeighbourSink
    {
        /// <summary>Squared distance beyond which candidates are not offered (it may shrink during a search).</summary>
        double Limit2 { get; }

        /// <summary>Atom j, shifted by the image (n0, n1, n2) of the wrapped cell, lies at distance d.</summary>
        void Offer(int j, double d, int n0, int n1, int n2);
    }

    /// <summary>Keeps the nearest m neighbours, ordered by (distance, index), in a slice of the graph's arrays.</summary>
    struct NearestSink : INeighbourSink
    {
        readonly int[] index;
        readonly double[] distance;
        readonly int offset, m;
        readonly double r2;
        int count;

        public NearestSink(int[] index, double[] distance, int offset, int m, double radius)
        {
            this.index = index;
            this.distance = distance;
            this.offset = offset;
            this.m = m;
            r2 = radius * radius * (1 + Slack);
            Limit2 = r2;
            count = 0;
        }

        public double Limit2 { get; private set; }

        public void Offer(int j, double d, int n0, int n1, int n2)
        {
            var idx = index.AsSpan(offset, m);
            var dist = distance.AsSpan(offset, m);
            if (count == m && !Before(d, j, dist[m - 1], idx[m - 1])) return;
            int p = count < m ? count++ : m - 1;
            while (p > 0 && Before(d, j, dist[p - 1], idx[p - 1]))
            {
                dist[p] = dist[p - 1]; idx[p] = idx[p - 1]; p--;
            }
            dist[p] = d; idx[p] = j;
            if (count == m) Limit2 = Math.Min(r2, dist[m - 1] * dist[m - 1] * (1 + Slack));
        }

        public readonly void Pad(double pad)
        {
            for (int s = offset + count; s < offset + m; s++) { index[s] = 0; distance[s] = pad; }
        }

        static bool Before(double d, int j, double dOther, int jOther) => d < dOther || (d == dOther && j < jOther);
    }

    /// <summary>Collects every candidate, with its image moved from the wrapped cell to the crystal's own coordinates.</summary>
    struct PairSink : INeighbourSink
    {
        readonly List<int> source = new(), target = new(), image = new();
        readonly List<double> distance = new();
        // floor of each fractional coordinate: wrapping moved atom i by −floor(f_i).
        readonly int[] floors;

        public PairSink(Crystal crystal, double radius)
        {
            Limit2 = radius * radius * (1 + Slack);
            floors = crystal.Sites.SelectMany(s => s.Fractional.Select(f => (int)Math.Floor(f))).ToArray();
            Source = 0;
        }

        public double Limit2 { get; }

        public int Source { get; set; }

        public readonly void Offer(int j, double d, int n0, int n1, int n2)
        {
            int i = Source;
            source.Add(i);
            target.Add(j);
            image.Add(n0 - floors[3 * j] + floors[3 * i]);
            image.Add(n1 - floors[3 * j + 1] + floors[3 * i + 1]);
            image.Add(n2 - floors[3 * j + 2] + floors[3 * i + 2]);
            distance.Add(d);
        }

        public readonly NeighbourPairs ToPairs() => new(source.ToArray(), target.ToArray(), image.ToArray(), distance.ToArray());
    }

    /// <summary>Per-thread buffers, grown as needed and reused across crystals.</summary>
    sealed class Workspace
    {
        double[] fx = Array.Empty<double>(), fy = Array.Empty<double>(), fz = Array.Empty<double>();
        double[] cx = Array.Empty<double>(), cy = Array.Empty<double>(), cz = Array.Empty<double>();
        int[] bin = Array.Empty<int>();
        // Atoms sorted by bin: coordinates and original index; binStart[b]..binStart[b+1] is bin b.
        double[] sx = Array.Empty<double>(), sy = Array.Empty<double>(), sz = Array.Empty<double>();
        int[] sj = Array.Empty<int>();
        int[] binStart = Array.Empty<int>();

        readonly double[] lat = new double[9];
        readonly double[] spacing = new double[3];
        readonly int[] nb = new int[3];
        readonly int[] reach = new int[3];
        /// <summary>Radius of the sphere around a bin's centre that holds the whole bin (half its longest diagonal).</summary>
        double binRadius;

        public void Prepare(Crystal crystal, double radius)
        {
            int n = crystal.AtomCount;
            if (fx.Length < n) Grow(n);
            var lattice = crystal.Lattice;
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++) lat[r * 3 + c] = lattice[r, c];

            double thickness = radius * (1 + Slack) / BinsPerRadius;
            for (int k = 0; k < 3; k++)
            {
                spacing[k] = BruteForceNeighbourSearch.PlaneSpacing(lattice, k);
                nb[k] = (int)Math.Clamp(Math.Floor(spacing[k] / thickness), 1, 1 << 10);
            }
            // Sparse cells (much vacuum, few atoms) would otherwise get many empty bins.
            long cap = 8L * n + 8;
            while ((long)nb[0] * nb[1] * nb[2] > cap)
            {
                int k = nb[0] >= nb[1] && nb[0] >= nb[2] ? 0 : nb[1] >= nb[2] ? 1 : 2;
                nb[k] = Math.Max(1, nb[k] / 2);
            }
            for (int k = 0; k < 3; k++)
                reach[k] = (int)Math.Ceiling(radius * (1 + Slack) * nb[k] / spacing[k]);

            binRadius = 0;
            for (int corner = 0; corner < 4; corner++)
            {
                int s1 = (corner & 1) == 0 ? 1 : -1, s2 = (corner & 2) == 0 ? 1 : -1;
                double x = lat[0] / nb[0] + s1 * lat[3] / nb[1] + s2 * lat[6] / nb[2];
                double y = lat[1] / nb[0] + s1 * lat[4] / nb[1] + s2 * lat[7] / nb[2];
                double z = lat[2] / nb[0] + s1 * lat[5] / nb[1] + s2 * lat[8] / nb[2];
                binRadius = Math.Max(binRadius, 0.5 * Math.Sqrt(x * x + y * y + z * z));
            }

            int bins = nb[0] * nb[1] * nb[2];
            if (binStart.Length < bins + 1) binStart = new int[bins + 1];
            Array.Clear(binStart, 0, bins + 1);
            for (int i = 0; i < n; i++)
            {
                var f = crystal.Sites[i].Fractional;
                // Same wrapping and Cartesian arithmetic as the brute-force reference.
                double a = f[0] - Math.Floor(f[0]), b = f[1] - Math.Floor(f[1]), c = f[2] - Math.Floor(f[2]);
                fx[i] = a; fy[i] = b; fz[i] = c;
                cx[i] = a * lat[0] + b * lat[3] + c * lat[6];
                cy[i] = a * lat[1] + b * lat[4] + c * lat[7];
                cz[i] = a * lat[2] + b * lat[5] + c * lat[8];
                int bi = (BinOf(a, nb[0]) * nb[1] + BinOf(b, nb[1])) * nb[2] + BinOf(c, nb[2]);
                bin[i] = bi;
                binStart[bi + 1]++;
            }
            for (int b = 0; b < bins; b++) binStart[b + 1] += binStart[b];
            // Counting sort; binStart is shifted back afterwards.
            for (int i = 0; i < n; i++)
            {
                int s = binStart[bin[i]]++;
                sx[s] = cx[i]; sy[s] = cy[i]; sz[s] = cz[i]; sj[s] = i;
            }
            for (int b = bins; b > 0; b--) binStart[b] = binStart[b - 1];
            binStart[0] = 0;
        }

        static int BinOf(double f, int count) => Math.Min((int)(f * count), count - 1);

        void Grow(int n)
        {
            int size = Math.Max(n, 2 * fx.Length);
            fx = new double[size]; fy = new double[size]; fz = new double[size];
            cx = new double[size]; cy = new double[size]; cz = new double[size];
            sx = new double[size]; sy = new double[size]; sz = new double[size];
            sj = new int[size]; bin = new int[size];
        }

        /// <summary>Offers <paramref name="sink"/> every image of every atom within the radius of atom i (i itself at distance 0 excepted).</summary>
        public void Search<TSink>(int i, double radius, ref TSink sink) where TSink : struct, INeighbourSink
        {
            double xi = cx[i], yi = cy[i], zi = cz[i];
            double gapLimit = radius * (1 + Slack) + Slack;
            double reachLimit = (radius + binRadius) * (1 + Slack) + Slack, reachLimit2 = reachLimit * reachLimit;
            int nb0 = nb[0], nb1 = nb[1], nb2 = nb[2];
            int b = bin[i], b2 = b % nb2, b1 = b / nb2 % nb1, b0 = b / (nb1 * nb2);

            for (int o0 = -reach[0]; o0 <= reach[0]; o0++)
            {
                int t0 = b0 + o0, n0 = FloorDiv(t0, nb0), w0 = t0 - n0 * nb0;
                if (Gap(fx[i], t0, nb0) * spacing[0] > gapLimit) continue;
                for (int o1 = -reach[1]; o1 <= reach[1]; o1++)
                {
                    int t1 = b1 + o1, n1 = FloorDiv(t1, nb1), w1 = t1 - n1 * nb1;
                    if (Gap(fy[i], t1, nb1) * spacing[1] > gapLimit) continue;
                    for (int o2 = -reach[2]; o2 <= reach[2]; o2++)
                    {
                        int t2 = b2 + o2, n2 = FloorDiv(t2, nb2), w2 = t2 - n2 * nb2;
                        if (Gap(fz[i], t2, nb2) * spacing[2] > gapLimit) continue;
                        // Skip bins whose enclosing sphere lies beyond the radius (prunes the corners of the search box).
                        double c0 = (t0 + 0.5) / nb0, c1 = (t1 + 0.5) / nb1, c2 = (t2 + 0.5) / nb2;
                        double ex = c0 * lat[0] + c1 * lat[3] + c2 * lat[6] - xi;
                        double ey = c0 * lat[1] + c1 * lat[4] + c2 * lat[7] - yi;
                        double ez = c0 * lat[2] + c1 * lat[5] + c2 * lat[8] - zi;
                        if (ex * ex + ey * ey + ez * ez > reachLimit2) continue;
                        // Image shift n·L, with the brute force's operation order.
                        double shx = n0 * lat[0] + n1 * lat[3] + n2 * lat[6];
                        double shy = n0 * lat[1] + n1 * lat[4] + n2 * lat[7];
                        double shz = n0 * lat[2] + n1 * lat[5] + n2 * lat[8];
                        int w = (w0 * nb1 + w1) * nb2 + w2;
                        for (int s = binStart[w], end = binStart[w + 1]; s < end; s++)
                        {
                            double dx = sx[s] + shx - xi, dy = sy[s] + shy - yi, dz = sz[s] + shz - zi;
                            double d2 = dx * dx + dy * dy + dz * dz;
                            if (d2 > sink.Limit2) continue;
                            double d = Math.Sqrt(d2);
                            if (d > radius || d <= 1e-8) continue;
                            sink.Offer(sj[s], d, n0, n1, n2);
                        }
                    }
                }
            }
        }

        static int FloorDiv(int t, int count) => t >= 0 ? t / count : -((count - 1 - t) / count);

        /// <summary>Fractional distance from f to the unwrapped bin t (of count per cell) along one axis.</summary>
        static double Gap(double f, int t, int count)
        {
            double lo = (double)t / count, hi = (double)(t + 1) / count;
            return f < lo ? lo - f : f > hi ? f - hi : 0.0;
        }
    }
}
