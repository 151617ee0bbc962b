using System.Diagnostics;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// What mp_dielectric's large structures (up to 288 atoms; the other tasks stop near 100) cost in a training batch:
/// an STL step (forward, backward) on the 250 structures with the most atoms against one on 250 of median size,
/// per atom, and the growth of peak resident memory. Linear cost per atom means large cells need no special batching.
/// </summary>
public sealed class LargeStructureBenchmark : IBenchmark
{
    const int Batch = 250, Steps = 5;

    public string Name => "cgcnn.large_structures";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, "mp_dielectric");
        var atoms = data.Dataset.Entries.Select(e => e.Crystal.AtomCount).ToArray();
        int[] bySize = Enumerable.Range(0, atoms.Length).OrderBy(i => atoms[i]).ToArray();
        int[] largest = bySize[^Batch..];
        int[] median = bySize.Skip(atoms.Length / 2 - Batch / 2).Take(Batch).ToArray();
        using var target = CgcnnTrainingTarget.ForDataset(CgcnnInitialiser.Create(CgcnnArchitecture.Default, 0), data.Dataset,
            GraphSettings.Default, data.Elements, CgcnnBenchData.Cpu.ToTorch());
        target.SetTraining(true);
        long peakBefore = CgcnnMemoryBenchmark.StatusKiB("VmHWM");
        double medianSeconds = StepSeconds(target, median), largestSeconds = StepSeconds(target, largest);
        long peakAfter = CgcnnMemoryBenchmark.StatusKiB("VmHWM");
        int medianAtoms = median.Sum(i => atoms[i]), largestAtoms = largest.Sum(i => atoms[i]);
        double perAtomMedian = medianSeconds / medianAtoms * 1e6, perAtomLargest = largestSeconds / largestAtoms * 1e6;
        string details = $"{data.Describe()}; batch of the {Batch} largest structures ({atoms[largest[0]]}-{atoms[largest[^1]]} atoms, {largestAtoms} in all) " +
            $"{largestSeconds * 1e3:F0} ms per step vs {Batch} of median size ({atoms[median[0]]}-{atoms[median[^1]]} atoms, {medianAtoms} in all) {medianSeconds * 1e3:F0} ms; " +
            $"mean of {Steps} forward+backward steps; peak RSS {peakBefore / 1024.0:F0} → {peakAfter / 1024.0:F0} MiB";
        yield return new BenchResult("cgcnn.large_structures.largest_step_ms", largestSeconds * 1e3, "ms", details);
        yield return new BenchResult("cgcnn.large_structures.median_step_ms", medianSeconds * 1e3, "ms", details);
        yield return new BenchResult("cgcnn.large_structures.per_atom_ratio", perAtomLargest / perAtomMedian, "x", details);
        yield return new BenchResult("cgcnn.large_structures.peak_rss_mib", peakAfter / 1024.0, "MiB", details);
    }

    static double StepSeconds(CgcnnTrainingTarget target, int[] rows)
    {
        var seconds = new List<double>();
        for (int step = 0; step <= Steps; step++)
        {
            var clock = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                var output = target.Forward(rows);
                output.square().mean().backward();
            }
            if (step > 0) seconds.Add(clock.Elapsed.TotalSeconds); // step 0 warms up
        }
        return seconds.Average();
    }
}
