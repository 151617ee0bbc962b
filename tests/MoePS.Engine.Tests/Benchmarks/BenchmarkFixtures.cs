using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>
/// TEST FIXTURES, not measured results: hand-made benchmark rows with plausible numbers, built
/// so that every statistic of them can be worked out by hand in the tests.
/// </summary>
static class BenchmarkFixtures
{
    public static readonly string[] Extractors = { "mp_eform", "mp_bandgap", "jarvis_eform", "jarvis_bandgap" };

    public static BenchmarkResult Run(string task, LearningMethod method, int seed, double testMae, int rows = 120,
        int? topK = null, string extractors = "", GateScoreDictionary? gates = null, ParityData? parity = null, string hash = "h", string settings = "") => new()
    {
        Task = task, Method = method, Seed = seed, Rows = rows, TestMAE = testMae, ValMAE = testMae * 0.9,
        Unit = "eV", BestEpoch = 20 + seed, Epochs = 30, Seconds = 12.5 + seed, Device = "cpu", TopK = topK,
        Extractors = extractors, ConfigHash = hash, GateScoreDictionary = gates ?? GateScoreDictionary.Empty, Parity = parity,
        Finished = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), Settings = settings,
    };

    /// <summary>A made-up result for a planned run (its seed + 1 as the MAE), as a stand-in executor answers.</summary>
    public static BenchmarkResult ResultOf(PlannedRun run, ParityData? parity = null) => new()
    {
        Task = run.Task, Method = run.Method, Seed = run.Seed, ConfigHash = run.ConfigHash, Rows = 10,
        TestMAE = 1 + run.Seed, ValMAE = 1 + run.Seed, Device = "cpu", Parity = parity,
    };

    public static GateScoreDictionary Gates(params double[] scores) =>
        new(Extractors.Zip(scores, (n, s) => new KeyValuePair<string, double>(n, s)));

    public static ParityData Parity(int n, double offset)
    {
        var actual = Enumerable.Range(0, n).Select(i => 0.5 + 0.1 * i).ToArray();
        return new ParityData(Enumerable.Range(0, n).Select(i => $"mp-{i}").ToArray(),
            actual, actual.Select((a, i) => a + offset * (i % 2 == 0 ? 1 : -1)).ToArray());
    }

    /// <summary>Two tasks × STL, TL, MoE × 2 seeds, MoE with gate scores and parity data.</summary>
    public static List<BenchmarkResult> TwoTasks()
    {
        string all = string.Join(",", Extractors);
        return new List<BenchmarkResult>
        {
            Run("jarvis_2d_gap_tbmbj", LearningMethod.STL, 0, 1.40, parity: Parity(18, 0.3)),
            Run("jarvis_2d_gap_tbmbj", LearningMethod.STL, 1, 1.20, parity: Parity(18, 0.35)),
            Run("jarvis_2d_gap_tbmbj", LearningMethod.TL, 0, 1.70, extractors: "mp_eform", parity: Parity(18, 0.4)),
            Run("jarvis_2d_gap_tbmbj", LearningMethod.TL, 1, 1.50, extractors: "mp_eform"),
            Run("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 0, 1.10, topK: 2, extractors: all, gates: Gates(0.6, 0.4, 0, 0), parity: Parity(18, 0.2)),
            Run("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 1, 1.00, topK: 2, extractors: all, gates: Gates(0.5, 0.5, 0, 0)),
            Run("mp_poisson_ratio", LearningMethod.STL, 0, 0.034, rows: 1181, parity: Parity(30, 0.01)),
            Run("mp_poisson_ratio", LearningMethod.STL, 1, 0.032, rows: 1181),
            Run("mp_poisson_ratio", LearningMethod.TL, 0, 0.031, rows: 1181, extractors: "mp_eform"),
            Run("mp_poisson_ratio", LearningMethod.TL, 1, 0.033, rows: 1181, extractors: "mp_eform"),
            Run("mp_poisson_ratio", LearningMethod.MoE, 0, 0.030, rows: 1181, topK: 2, extractors: all, gates: Gates(0.1, 0, 0.9, 0), parity: Parity(30, 0.005)),
            Run("mp_poisson_ratio", LearningMethod.MoE, 1, 0.028, rows: 1181, topK: 2, extractors: all, gates: Gates(0, 0.2, 0.8, 0)),
        };
    }
}
