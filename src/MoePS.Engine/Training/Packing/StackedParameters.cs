using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Training.Packing;

/// <summary>
/// The parameters of R runs of one model shape moved into stacked tensors, run first ([R, ...]): each run's
/// <see cref="Parameter"/> keeps its values but now lives in its row of the stack (it shares the stack's storage), and
/// its gradient is a view of the row of a stacked gradient. The runs' own forward and backward passes are unchanged
/// and fill the stacked gradient in place, and one optimiser step over the stacks (<see cref="StackedAdam"/>) updates
/// every run's parameters. Dispose gives each parameter storage of its own again.
/// </summary>
internal sealed class StackedParameters : IDisposable
{
    readonly IReadOnlyList<IReadOnlyList<ParameterGroup>> runs;
    readonly List<List<StackedTensor>> groups = new();

    /// <param name="runs">Each run's parameter groups; group by group and parameter by parameter, the shapes must match.</param>
    public StackedParameters(IReadOnlyList<IReadOnlyList<ParameterGroup>> runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs.Count, 1, nameof(runs));
        CheckSameShapes(runs);
        this.runs = runs;
        using var noGrad = no_grad();
        for (int g = 0; g < runs[0].Count; g++)
        {
            var group = new List<StackedTensor>();
            for (int j = 0; j < runs[0][g].Parameters.Count; j++)
            {
                using var scope = NewDisposeScope();
                var members = runs.Select(run => run[g].Parameters[j]).ToArray();
                var value = stack(members.Select(p => p.detach()).ToArray());
                var grad = zeros_like(value);
                for (int r = 0; r < members.Length; r++)
                {
                    members[r].set_(value[r]);
                    members[r].grad = grad[r];
                }
                group.Add(new StackedTensor(value.MoveToOuterDisposeScope(), grad.MoveToOuterDisposeScope()));
            }
            groups.Add(group);
        }
    }

    /// <summary>Stacked parameters and gradients, by parameter group.</summary>
    public IReadOnlyList<IReadOnlyList<StackedTensor>> Groups => groups;

    /// <summary>Zeroes every run's gradients (in the stacks) before a step.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();   // TorchSharp's zero_ returns a new wrapper of the tensor it zeroes
        foreach (var p in groups.SelectMany(g => g)) p.Grad.zero_();
    }

    static void CheckSameShapes(IReadOnlyList<IReadOnlyList<ParameterGroup>> runs)
    {
        static string Shape(IReadOnlyList<ParameterGroup> groups) => string.Join(" | ", groups.Select(g =>
            g.Name + ": " + string.Join(", ", g.Parameters.Select(p => $"{p.dtype}[{string.Join("x", p.shape)}]@{p.device}"))));
        string first = Shape(runs[0]);
        for (int r = 1; r < runs.Count; r++)
            if (Shape(runs[r]) != first)
                throw new ArgumentException($"Run {r} of the pack has other parameters than run 0 ({Shape(runs[r])} vs {first}); only runs of one model shape can be packed.", nameof(runs));
    }

    public void Dispose()
    {
        using (no_grad())
        using (NewDisposeScope())
        {
            for (int g = 0; g < groups.Count; g++)
                for (int j = 0; j < groups[g].Count; j++)
                    foreach (var run in runs)
                    {
                        var parameter = run[g].Parameters[j];
                        parameter.set_(parameter.detach().clone());
                        parameter.grad = null;
                    }
        }
        foreach (var p in groups.SelectMany(g => g))
        {
            p.Value.Dispose();
            p.Grad.Dispose();
        }
    }
}
