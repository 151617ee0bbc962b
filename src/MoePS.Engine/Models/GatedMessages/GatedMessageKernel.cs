using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// The loops of <see cref="GatedMessageSum"/> on the CPU over float32 memory. A row's pre-activation
/// x = edge[r] + neighbours[index[r]] + self[atom of r] is recomputed in each pass (into a row buffer that stays in
/// L1) rather than stored: the forward pass reads the rows twice (BatchNorm statistics, then the gated sum), the backward
/// pass twice (the two gradient sums BatchNorm's backward needs, then the gradient), and writes only the gradient — where
/// libtorch's separate additions, batch_norm, sigmoid, softplus, product and sum read and write each per-edge tensor many
/// times. Work is split into blocks of <see cref="BlockAtoms"/> atoms; per-channel sums are accumulated in float over an
/// atom's slots, then in double per block, and the blocks' are added in block order, so a result never depends on how many threads ran.
/// </summary>
internal readonly unsafe struct GatedMessageKernel
{
    const int BlockAtoms = 16;
    const int Lanes = 8;

    static readonly Vector256<float> OneVector = Vector256.Create(1f);

    readonly nint edge, neighbours, index, self;
    readonly GatedMessageShape shape;

    /// <param name="edge">W_edge·u per row, [rows, C].</param>
    /// <param name="neighbours">W_nbr·v per atom of the batch, [batch atoms, C].</param>
    /// <param name="index">Each row's neighbour (int64 into <paramref name="neighbours"/>), [rows].</param>
    /// <param name="self">W_self·v + b per atom, [atoms, C].</param>
    /// <param name="shape">The sizes.</param>
    public GatedMessageKernel(nint edge, nint neighbours, nint index, nint self, GatedMessageShape shape)
    {
        this.edge = edge;
        this.neighbours = neighbours;
        this.index = index;
        this.self = self;
        this.shape = shape;
    }

    /// <summary>Whether the loops apply: vector hardware and features a whole number of vectors long.</summary>
    public static bool Supports(int features) => VectorMath.IsAccelerated && features % Lanes == 0;

    long Blocks => (shape.Atoms + BlockAtoms - 1) / BlockAtoms;

    /// <summary>Per-channel batch mean and biased variance of x over all rows, in double.</summary>
    public (double[] Mean, double[] Variance) Statistics(int threads)
    {
        int c = shape.Channels;
        var shift = new float[c];               // x of row 0: sums of x − shift lose no digits to a large mean
        fixed (float* s = shift) Load(0, s);
        var kernel = this;
        var (sums, squares) = SumOverBlocks(threads, (block, sum, square) =>
        {
            fixed (float* k = shift) kernel.AccumulateStatistics(block, k, sum, square);
        });
        var mean = new double[c];
        var variance = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double m = sums[ch] / shape.Rows;
            mean[ch] = shift[ch] + m;
            variance[ch] = Math.Max(squares[ch] / shape.Rows - m * m, 0);
        }
        return (mean, variance);
    }

    /// <summary>
    /// out[atom, g, f] = Σ_slots σ(y_filter)·softplus(y_core) with y = x·scale + offset per channel (BatchNorm with its
    /// statistics and affine folded into two coefficients), into <paramref name="output"/>, [atoms, Groups·Features].
    /// </summary>
    public void Sum(nint scale, nint offset, nint output, int threads)
    {
        var kernel = this;
        Run(threads, block => kernel.SumBlock(block, (float*)scale, (float*)offset, (float*)output));
    }

    /// <summary>
    /// Per channel, Σ_rows ∂L/∂y and Σ_rows ∂L/∂y·x̂ (x̂ = x·invstd + centre): BatchNorm's bias and weight gradients, and
    /// the two sums its input gradient needs.
    /// </summary>
    public (double[] Gradient, double[] GradientTimesNormalised) GradientSums(BatchNormTerms terms, nint outputGradient, int threads)
    {
        var kernel = this;
        return SumOverBlocks(threads, (block, g, gx) => kernel.GradientBlock(block, terms, (float*)outputGradient, g, gx, default, null, null));
    }

    /// <summary>
    /// ∂L/∂x = scale·∂L/∂y + intercept + tilt·x̂ per row (BatchNorm's input gradient, its two sums folded into the
    /// per-channel intercept and tilt) into <paramref name="rowGradient"/>, [rows, C], and its sum over each atom's slots
    /// into <paramref name="atomGradient"/>, [atoms, C].
    /// </summary>
    public void Gradient(BatchNormTerms terms, nint outputGradient, (nint Intercept, nint Tilt) fold, nint rowGradient, nint atomGradient, int threads)
    {
        var kernel = this;
        Run(threads, block => kernel.GradientBlock(block, terms, (float*)outputGradient, null, null, fold, (float*)rowGradient, (float*)atomGradient));
    }

    /// <summary>Adds one block's two per-channel sums into <paramref name="first"/> and <paramref name="second"/>, [C] each.</summary>
    delegate void BlockSums(long block, double* first, double* second);

    /// <summary>
    /// Two per-channel sums over all blocks: each block's into zeroed room of its own (blocks in parallel), then the
    /// blocks' added in block order, so the totals do not depend on the number of threads. The room comes from the shared
    /// pool: a mixture batch's is megabytes, and fresh arrays of that size are large objects, which made nearly every
    /// garbage collection in training a full one.
    /// </summary>
    (double[] First, double[] Second) SumOverBlocks(int threads, BlockSums perBlock)
    {
        int c = shape.Channels, length = checked((int)(Blocks * c));
        var first = ArrayPool<double>.Shared.Rent(length);
        var second = ArrayPool<double>.Shared.Rent(length);
        try
        {
            Array.Clear(first, 0, length);
            Array.Clear(second, 0, length);
            Run(threads, block =>
            {
                fixed (double* a = &first[block * c], b = &second[block * c]) perBlock(block, a, b);
            });
            var totals = (First: new double[c], Second: new double[c]);
            for (int ch = 0; ch < c; ch++)
                for (long b = 0; b < Blocks; b++) { totals.First[ch] += first[b * c + ch]; totals.Second[ch] += second[b * c + ch]; }
            return totals;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(first);
            ArrayPool<double>.Shared.Return(second);
        }
    }

    void Run(int threads, Action<long> block)
    {
        if (threads <= 1 || Blocks == 1)
            for (long b = 0; b < Blocks; b++) block(b);
        else
            Parallel.For(0, Blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block);
    }

    (long First, long End) AtomsOf(long block) => (block * BlockAtoms, Math.Min(shape.Atoms, (block + 1) * BlockAtoms));

    /// <summary>x of row <paramref name="row"/> into <paramref name="x"/>, [C].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Load(long row, float* x)
    {
        int c = shape.Channels;
        float* e = (float*)edge + row * c;
        float* n = (float*)neighbours + ((long*)index)[row] * c;
        float* s = (float*)self + row / shape.Slots * c;
        for (int ch = 0; ch < c; ch += Lanes)
            (Vector256.Load(e + ch) + Vector256.Load(n + ch) + Vector256.Load(s + ch)).Store(x + ch);
    }

    /// <summary>Adds Σ (x − shift) and Σ (x − shift)² of the block's rows per channel: in float over one atom's slots, then in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call: tier-0 vector code is many times slower
    void AccumulateStatistics(long block, float* shift, double* sum, double* square)
    {
        int c = shape.Channels;
        float* x = stackalloc float[c];
        float* atomSum = stackalloc float[c];
        float* atomSquare = stackalloc float[c];
        var (first, end) = AtomsOf(block);
        for (long atom = first; atom < end; atom++)
        {
            new Span<float>(atomSum, c).Clear();
            new Span<float>(atomSquare, c).Clear();
            for (long row = atom * shape.Slots; row < (atom + 1) * shape.Slots; row++)
            {
                Load(row, x);
                for (int ch = 0; ch < c; ch += Lanes)
                {
                    var d = Vector256.Load(x + ch) - Vector256.Load(shift + ch);
                    (Vector256.Load(atomSum + ch) + d).Store(atomSum + ch);
                    (Vector256.Load(atomSquare + ch) + d * d).Store(atomSquare + ch);
                }
            }
            for (int ch = 0; ch < c; ch += Lanes)
            {
                AddWidened(sum + ch, Vector256.Load(atomSum + ch));
                AddWidened(square + ch, Vector256.Load(atomSquare + ch));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call: tier-0 vector code is many times slower
    void SumBlock(long block, float* scale, float* offset, float* output)
    {
        int c = shape.Channels, f = shape.Features, width = shape.Groups * f;
        float* x = stackalloc float[c];
        var (first, end) = AtomsOf(block);
        for (long atom = first; atom < end; atom++)
        {
            float* o = output + atom * width;
            new Span<float>(o, width).Clear();
            for (long row = atom * shape.Slots; row < (atom + 1) * shape.Slots; row++)
            {
                Load(row, x);
                for (int g = 0; g < shape.Groups; g++)
                    for (int j = 0; j < f; j += Lanes)
                    {
                        int a = 2 * g * f + j, b = a + f;
                        var (filter, _) = Activations(Vector256.Load(x + a) * Vector256.Load(scale + a) + Vector256.Load(offset + a));
                        var (_, core) = Activations(Vector256.Load(x + b) * Vector256.Load(scale + b) + Vector256.Load(offset + b));
                        float* target = o + g * f + j;
                        (Vector256.Load(target) + filter * core).Store(target);
                    }
            }
        }
    }

    /// <summary>
    /// One block of the backward pass: with <paramref name="gradientSum"/> set, adds Σ ∂L/∂y and Σ ∂L/∂y·x̂ per channel;
    /// otherwise writes ∂L/∂x and its per-atom sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call: tier-0 vector code is many times slower
    void GradientBlock(long block, BatchNormTerms terms, float* outputGradient, double* gradientSum, double* gradientTimesNormalisedSum,
        (nint Intercept, nint Tilt) fold, float* rowGradient, float* atomGradient)
    {
        int c = shape.Channels, f = shape.Features, width = shape.Groups * f;
        float* scale = (float*)terms.Scale, offset = (float*)terms.Offset, invstd = (float*)terms.Invstd, centre = (float*)terms.Centre;
        float* intercept = (float*)fold.Intercept, tilt = (float*)fold.Tilt;
        float* x = stackalloc float[c];
        float* atomG = stackalloc float[c];
        float* atomGx = stackalloc float[c];
        var (first, end) = AtomsOf(block);
        for (long atom = first; atom < end; atom++)
        {
            float* go = outputGradient + atom * width;
            float* atomRow = gradientSum is null ? atomGradient + atom * c : null;
            if (atomRow is not null) new Span<float>(atomRow, c).Clear();
            new Span<float>(atomG, c).Clear();
            new Span<float>(atomGx, c).Clear();
            for (long row = atom * shape.Slots; row < (atom + 1) * shape.Slots; row++)
            {
                Load(row, x);
                for (int g = 0; g < shape.Groups; g++)
                    for (int j = 0; j < f; j += Lanes)
                    {
                        int a = 2 * g * f + j, b = a + f;
                        var xa = Vector256.Load(x + a);
                        var xb = Vector256.Load(x + b);
                        var (filter, _) = Activations(xa * Vector256.Load(scale + a) + Vector256.Load(offset + a));
                        var (coreSigmoid, core) = Activations(xb * Vector256.Load(scale + b) + Vector256.Load(offset + b));
                        var upstream = Vector256.Load(go + g * f + j);
                        var gradientA = upstream * core * filter * (OneVector - filter);
                        var gradientB = upstream * filter * coreSigmoid;
                        var normalisedA = xa * Vector256.Load(invstd + a) + Vector256.Load(centre + a);
                        var normalisedB = xb * Vector256.Load(invstd + b) + Vector256.Load(centre + b);
                        if (gradientSum is not null)
                        {
                            (Vector256.Load(atomG + a) + gradientA).Store(atomG + a);
                            (Vector256.Load(atomG + b) + gradientB).Store(atomG + b);
                            (Vector256.Load(atomGx + a) + gradientA * normalisedA).Store(atomGx + a);
                            (Vector256.Load(atomGx + b) + gradientB * normalisedB).Store(atomGx + b);
                            continue;
                        }
                        var da = Vector256.Load(scale + a) * gradientA + Vector256.Load(intercept + a) + Vector256.Load(tilt + a) * normalisedA;
                        var db = Vector256.Load(scale + b) * gradientB + Vector256.Load(intercept + b) + Vector256.Load(tilt + b) * normalisedB;
                        da.Store(rowGradient + row * c + a);
                        db.Store(rowGradient + row * c + b);
                        (Vector256.Load(atomRow + a) + da).Store(atomRow + a);
                        (Vector256.Load(atomRow + b) + db).Store(atomRow + b);
                    }
            }
            if (gradientSum is null) continue;
            for (int ch = 0; ch < c; ch += Lanes)
            {
                AddWidened(gradientSum + ch, Vector256.Load(atomG + ch));
                AddWidened(gradientTimesNormalisedSum + ch, Vector256.Load(atomGx + ch));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddWidened(double* target, Vector256<float> value)
    {
        var (low, high) = Vector256.Widen(value);
        (Vector256.Load(target) + low).Store(target);
        (Vector256.Load(target + 4) + high).Store(target + 4);
    }

    /// <summary>σ(y) and softplus(y) (β = 1) from one exp: with t = e^−|y|, σ = (y ≥ 0 ? 1 : t)/(1 + t), softplus = max(y, 0) + ln(1 + t).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<float> Sigmoid, Vector256<float> Softplus) Activations(Vector256<float> y)
    {
        var t = VectorMath.Exp(-Vector256.Abs(y));
        var positive = Vector256.GreaterThanOrEqual(y, Vector256<float>.Zero);
        var sigmoid = Vector256.ConditionalSelect(positive, OneVector, t) / (OneVector + t);
        return (sigmoid, Vector256.Max(y, Vector256<float>.Zero) + VectorMath.Log1P(t));
    }
}
