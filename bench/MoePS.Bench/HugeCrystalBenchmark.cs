using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;

namespace MoePS.Bench;

/// <summary>
/// Predicting one huge crystal: a rock-salt supercell of 18 × 18 × 18 conventional cells (46,656 atoms, 559,872 edges),
/// read from a POSCAR as Import-Crystal reads it, predicted as Invoke-PropertyPrediction predicts it (graph building
/// included) by the paper's mp_eform extractor and by an untrained MoE of four paper extractors (k = 2, Source). Reports
/// seconds and peak resident memory (VmHWM, reset before each case through /proc/self/clear_refs) and its rise over the
/// resident memory before the case. The extractor runs twice: with the eval-mode convolutions over ranges of atoms
/// (<see cref="AtomChunks"/>, the default) and over all atoms at once (the earlier behaviour, several GB), and the two
/// predictions must be equal. The machine's other load inflates the seconds, not the memory.
/// </summary>
public sealed class HugeCrystalBenchmark : IBenchmark
{
    const int Cells = 18;

    public string Name => "cgcnn.huge_crystal";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string folder = Directory.CreateTempSubdirectory("moeps-bench-huge-").FullName;
        var members = new List<Extractor>();
        try
        {
            string path = Path.Combine(folder, $"POSCAR_{Cells}");
            File.WriteAllText(path, LargeImportBenchmark.Poscar(Cells));
            var crystal = StructureFile.Read(path).Single();
            var inputs = new[] { new PredictionInput(crystal, null) };
            var cpu = ComputeDevice.Parse("cpu");
            using var extractor = ExtractorLibrary.Load("mp_eform");
            members.AddRange(new[] { "mp_eform", "mp_bandgap", "jarvis_eform", "castelli_eform" }.Select(n => ExtractorLibrary.Load(n)));
            using var mixture = new MixtureModel(members, new MixtureOptions { TopK = 2 });

            var chunked = Measure("extractor", () => PropertyPredictor.Predict(new IPropertyModel[] { extractor }, inputs, cpu)[0].Predicted);
            var mixed = Measure("mixture", () => PropertyPredictor.Predict(new IPropertyModel[] { mixture }, inputs, cpu)[0].Predicted);
            Case whole;
            using (AtomChunks.Limit(long.MaxValue))
                whole = Measure("extractor, all atoms at once", () => PropertyPredictor.Predict(new IPropertyModel[] { extractor }, inputs, cpu)[0].Predicted);
            if (chunked.Value != whole.Value)
                throw new InvalidOperationException($"The prediction over ranges of atoms, {chunked.Value:R}, is not the one over all atoms, {whole.Value:R}.");

            string common = $"rock salt {Cells}x{Cells}x{Cells} conventional cells, {crystal.AtomCount} atoms, POSCAR read beforehand; " +
                $"graph building included; {cpu.Description}, {Environment.ProcessorCount} cores";
            foreach (var (key, c) in new[] { ("extractor", chunked), ("mixture", mixed), ("unchunked", whole) })
            {
                string details = $"{c.Label}: {common}; predicted {c.Value:G6}; resident {c.ResidentBefore:F0} MiB before, peak {c.Peak:F0} MiB" +
                    (c.PeakReset ? "" : " (peak of the whole process: /proc/self/clear_refs not writable)") +
                    $"; load average {c.LoadBefore} → {c.LoadAfter}";
                yield return new BenchResult($"cgcnn.huge_crystal.{key}.seconds", c.Seconds, "s", details);
                yield return new BenchResult($"cgcnn.huge_crystal.{key}.peak_rss_mib", c.Peak, "MiB", details);
                yield return new BenchResult($"cgcnn.huge_crystal.{key}.peak_rise_mib", c.Peak - c.ResidentBefore, "MiB", details);
            }
        }
        finally
        {
            foreach (var e in members) e.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    sealed record Case(string Label, double Value, double Seconds, double ResidentBefore, double Peak, bool PeakReset, string LoadBefore, string LoadAfter);

    static Case Measure(string label, Func<double> predict)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        NativeMemory.Release();
        string loadBefore = MachineState.LoadAverages();
        double before = CgcnnMemoryBenchmark.StatusKiB("VmRSS") / 1024.0;
        bool reset = CgcnnMemoryBenchmark.ResetPeak();
        var clock = Stopwatch.StartNew();
        double value = predict();
        double seconds = clock.Elapsed.TotalSeconds;
        double peak = CgcnnMemoryBenchmark.StatusKiB("VmHWM") / 1024.0;
        BenchContext.Log($"  {label}: {seconds:F1} s, resident {before:F0} MiB before, peak {peak:F0} MiB");
        return new Case(label, value, seconds, before, peak, reset, loadBefore, MachineState.LoadAverages());
    }
}
