using System.Globalization;
using System.Text.Json;

namespace MoePS.Bench;

/// <summary>
/// MatGL's own TensorNet code (work trees of materialsvirtuallab/matgl and PyG 2.5.3, never part of this repository), run
/// by bench/reference/matgl_features.py under Debian's Python with python3-torch and python3-pymatgen, as the data
/// folder's experts/tensornet_matpes_pbe/make_golden.py runs it.
/// </summary>
public sealed class MatGLCode
{
    public const string MatGLVariable = "MOEPS_MATGL_SOURCE";
    public const string PygVariable = "MOEPS_PYG_SOURCE";

    readonly string matgl, pyg, dataFolder;
    readonly string driver = Path.Combine(AppContext.BaseDirectory, "reference", "matgl_features.py");

    MatGLCode(string matgl, string pyg, string dataFolder) => (this.matgl, this.pyg, this.dataFolder) = (matgl, pyg, dataFolder);

    /// <summary>Where MatGL's sources are (the folder holding matgl/).</summary>
    public string MatGLSource => matgl;
    public string PygSource => pyg;

    /// <summary>
    /// MatGL in <paramref name="matglFolder"/> (else $MOEPS_MATGL_SOURCE: a work tree of matgl or its src folder) and PyG in
    /// <paramref name="pygFolder"/> (else $MOEPS_PYG_SOURCE: the folder holding torch_geometric/), or null with the reason
    /// they cannot run here.
    /// </summary>
    public static MatGLCode? Locate(string? matglFolder, string? pygFolder, string dataFolder, out string reason)
    {
        matglFolder ??= Environment.GetEnvironmentVariable(MatGLVariable);
        pygFolder ??= Environment.GetEnvironmentVariable(PygVariable);
        if (string.IsNullOrWhiteSpace(matglFolder) || string.IsNullOrWhiteSpace(pygFolder))
        {
            reason = $"no MatGL reference: set {MatGLVariable} to a work tree of materialsvirtuallab/matgl and {PygVariable} to one of " +
                     "pyg-team/pytorch_geometric 2.5.3 (or --matgl-source and --pyg-source)";
            return null;
        }
        matglFolder = Path.GetFullPath(matglFolder);
        if (Directory.Exists(Path.Combine(matglFolder, "src", "matgl"))) matglFolder = Path.Combine(matglFolder, "src");
        const string tensorNet = "matgl/models/_tensornet_pyg.py";
        if (!File.Exists(Path.Combine(matglFolder, tensorNet)))
        {
            reason = $"'{matglFolder}' is not a work tree of matgl: it has no {tensorNet} (nor src/{tensorNet})";
            return null;
        }
        pygFolder = Path.GetFullPath(pygFolder);
        if (!File.Exists(Path.Combine(pygFolder, "torch_geometric", "__init__.py")))
        {
            reason = $"'{pygFolder}' is not a work tree of PyG: it has no torch_geometric/__init__.py";
            return null;
        }
        if (!File.Exists(Path.Combine(dataFolder, "experts", "tensornet_matpes_pbe", "model.json")))
        {
            reason = $"the data folder '{dataFolder}' has no experts/tensornet_matpes_pbe/model.json";
            return null;
        }
        if (!PaperCode.PythonHasPackages())
        {
            reason = $"{PaperCode.Python} cannot import torch and pymatgen (Debian: apt-get install python3-torch python3-pymatgen)";
            return null;
        }
        reason = "";
        return new MatGLCode(matglFolder, pygFolder, dataFolder);
    }

    /// <summary>
    /// <paramref name="repeats"/> timed passes of MatGL over the first <paramref name="structures"/> structures of
    /// jarvis_2d_exfoliation, one at a time, on <paramref name="threads"/> torch threads; with <paramref name="compare"/>,
    /// the largest difference between MatGL's features of the first structures and these.
    /// </summary>
    public MatGLRun Features(int structures, int threads, int repeats, IReadOnlyList<float[]>? compare = null)
    {
        var arguments = new List<string>
        {
            driver, "--matgl", matgl, "--pyg", pyg, "--data", dataFolder,
            "--structures", structures.ToString(CultureInfo.InvariantCulture),
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--repeats", repeats.ToString(CultureInfo.InvariantCulture),
        };
        var scratch = Directory.CreateTempSubdirectory("moeps-matgl-");
        try
        {
            if (compare is not null)
            {
                string file = Path.Combine(scratch.FullName, "moeps_features.json");
                File.WriteAllText(file, JsonSerializer.Serialize(new { features = compare.Select(f => f.Select(x => (double)x)) }));
                arguments.AddRange(new[] { "--compare", file });
            }
            var records = JsonLinesProcess.Run(PaperCode.Python, arguments, scratch.FullName);
            var setup = records.Single(r => r.TryGetProperty("setup", out _));
            var check = records.SingleOrDefault(r => r.TryGetProperty("check", out _));
            var passes = records.Where(r => r.TryGetProperty("repeat", out _)).Select(r => new MatGLPass(
                r.GetProperty("seconds").GetDouble(), r.GetProperty("cpu_seconds").GetDouble(), r.GetProperty("graph_seconds").GetDouble(), r.GetProperty("model_seconds").GetDouble(),
                r.GetProperty("load_start").GetString() ?? "", r.GetProperty("load_end").GetString() ?? "")).ToList();
            if (passes.Count != repeats) throw new InvalidOperationException($"{driver} gave {passes.Count} timed passes, not {repeats}.");
            return new MatGLRun(setup, check.ValueKind == JsonValueKind.Undefined ? null : check.GetProperty("max_abs_diff").GetDouble(), passes);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}

/// <summary>One timed pass of MatGL over all the structures: wall seconds, the process's CPU seconds, the wall seconds in Structure2Graph and in the network.</summary>
public sealed record MatGLPass(double Seconds, double CpuSeconds, double GraphSeconds, double ModelSeconds, string LoadAtStart, string LoadAtEnd);

/// <summary>What the driver reported: its set-up line (versions, atoms, pairs, threads), the feature check, the timed passes.</summary>
public sealed record MatGLRun(JsonElement Setup, double? MaxAbsDiff, IReadOnlyList<MatGLPass> Passes)
{
    public TimedPasses Timing => new(Passes.Select(p => p.Seconds).ToList(), Passes.Select(p => p.CpuSeconds).ToList(), Passes[0].LoadAtStart, Passes[^1].LoadAtEnd);
    public double MedianGraphSeconds => Medians.Of(Passes.Select(p => p.GraphSeconds));
    public double MedianModelSeconds => Medians.Of(Passes.Select(p => p.ModelSeconds));
    public string Text(string property) => Setup.TryGetProperty(property, out var value) ? value.ToString() : "?";
}

/// <summary>
/// Wall times of repeated passes over the same work, the process's CPU time in each (all its threads: less sensitive
/// than the wall time to other processes on the machine, though not to their share of caches and memory bandwidth), and
/// the machine's load when the passes started and ended.
/// </summary>
public sealed record TimedPasses(IReadOnlyList<double> Seconds, IReadOnlyList<double> CpuSeconds, string LoadAtStart, string LoadAtEnd)
{
    public double Median => Medians.Of(Seconds);
    public double Min => Seconds.Min();
    public double Max => Seconds.Max();
    public double MedianCpu => Medians.Of(CpuSeconds);

    /// <summary>Times <paramref name="repeats"/> runs of <paramref name="pass"/>.</summary>
    public static TimedPasses Measure(int repeats, Action pass)
    {
        string start = MachineState.LoadAverages();
        var seconds = new List<double>();
        var cpu = new List<double>();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            pass();
            seconds.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        return new TimedPasses(seconds, cpu, start, MachineState.LoadAverages());
    }

    /// <summary>Median and range in words, with the CPU times and the loads.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"median {Median:F3} s, min-max {Min:F3}-{Max:F3} s over {Seconds.Count} passes " +
        $"[{string.Join(", ", Seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}]; " +
        $"CPU time [{string.Join(", ", CpuSeconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}] s; load average {LoadAtStart} -> {LoadAtEnd}");

    /// <summary>
    /// <paramref name="prefix"/>.seconds (median), .seconds_min, .seconds_max, .cpu_seconds (median), .structures_per_s and
    /// .atoms_per_s (from the median wall time).
    /// </summary>
    public IEnumerable<BenchResult> Results(string prefix, string details, int structures, long atoms)
    {
        string all = $"{details}; {Describe()}";
        yield return new BenchResult($"{prefix}.seconds", Median, "s", all);
        yield return new BenchResult($"{prefix}.seconds_min", Min, "s", all);
        yield return new BenchResult($"{prefix}.seconds_max", Max, "s", all);
        yield return new BenchResult($"{prefix}.cpu_seconds", MedianCpu, "s", all);
        yield return new BenchResult($"{prefix}.structures_per_s", structures / Median, "structures/s", all);
        yield return new BenchResult($"{prefix}.atoms_per_s", atoms / Median, "atoms/s", all);
    }

    /// <summary>
    /// The ratio of two wall-time medians (<paramref name="slower"/> over <paramref name="faster"/>), both ranges, the ratio
    /// of their CPU-time medians and the loads in its details.
    /// </summary>
    public static BenchResult Ratio(string name, TimedPasses slower, TimedPasses faster, string what) =>
        new(name, slower.Median / faster.Median, "x", string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {slower.Median:F3} s / {faster.Median:F3} s (ranges {slower.Min:F3}-{slower.Max:F3} and {faster.Min:F3}-{faster.Max:F3} s); " +
            $"CPU time {slower.MedianCpu:F3} s / {faster.MedianCpu:F3} s = {slower.MedianCpu / faster.MedianCpu:F2}x; " +
            $"load averages {slower.LoadAtStart} -> {slower.LoadAtEnd} and {faster.LoadAtStart} -> {faster.LoadAtEnd}"));

    /// <summary>The ratio of two CPU-time medians, <paramref name="slower"/> over <paramref name="faster"/>.</summary>
    public static BenchResult CpuRatio(string name, TimedPasses slower, TimedPasses faster, string what) =>
        new(name, slower.MedianCpu / faster.MedianCpu, "x", string.Create(CultureInfo.InvariantCulture,
            $"{what}, process CPU time (all threads): median {slower.MedianCpu:F3} s / {faster.MedianCpu:F3} s; wall {slower.Median:F3} s / {faster.Median:F3} s; " +
            $"load averages {slower.LoadAtStart} -> {slower.LoadAtEnd} and {faster.LoadAtStart} -> {faster.LoadAtEnd}"));
}
