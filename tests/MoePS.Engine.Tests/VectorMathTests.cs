using System.Runtime.Intrinsics;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests;

public class VectorMathTests
{
    static double MaxRelativeError(Func<Vector256<float>, Vector256<float>> vector, Func<double, double> exact, IEnumerable<float> xs)
    {
        double worst = 0;
        foreach (var chunk in xs.Chunk(8).Where(c => c.Length == 8))
        {
            var y = vector(Vector256.Create(chunk));
            for (int i = 0; i < 8; i++)
            {
                double e = exact(chunk[i]);
                worst = Math.Max(worst, Math.Abs(y[i] - e) / Math.Abs(e));
            }
        }
        return worst;
    }

    static IEnumerable<float> Grid(float from, float to, int count) => Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1));

    [Fact]
    public void ExpIsWithinAFewUnitsInTheLastPlace()
    {
        Assert.True(VectorMath.IsAccelerated);
        double error = MaxRelativeError(VectorMath.Exp, Math.Exp, Grid(-87f, 88f, 80_000));
        Assert.True(error < 4e-7, $"max relative error {error:G3}");
    }

    [Fact]
    public void Log1PIsAccurateDownToTheSmallestArguments()
    {
        var xs = Grid(0f, 1f, 40_000).Skip(1).Concat(Enumerable.Range(1, 120).Select(i => MathF.Pow(2, -i))).ToArray();
        // ln(1 + t) = t − t²/2 + … in double is exact to far below float precision where 1 + t rounds in double too.
        double error = MaxRelativeError(VectorMath.Log1P, t => t < 1e-8 ? t - t * t / 2 : Math.Log(1 + t), xs);
        Assert.True(error < 4e-7, $"max relative error {error:G3}");
    }
}
