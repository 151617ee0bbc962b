using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Settings;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Test MAE of one task × method (× settings) over its seeds, beside the paper's value. Flat:
/// every property is a scalar, so it exports cleanly to CSV and Excel.
/// </summary>
public sealed record BenchmarkSummary : ComparedSummary
{
    public string Task { get; init; } = "";
    public LearningMethod Method { get; init; }

    /// <summary>k of the gate (mixtures), null otherwise.</summary>
    public int? TopK { get; init; }

    /// <summary>Number of extractors (0 for STL).</summary>
    public int ExtractorCount { get; init; }

    /// <summary>The runs' experts, comma-joined as in <see cref="BenchmarkResult.Extractors"/>: TL's source, a mixture's list; empty for STL.</summary>
    public string Extractors { get; init; } = "";

    /// <summary>
    /// Where the mixture's gate started (from the runs' settings): the paper's ones unless they name another; null for STL and
    /// TL, and for a start this version does not know.
    /// </summary>
    public GateStart? GateStart { get; init; }

    /// <summary>
    /// What was trained, in a few words that tell apart run sets of the same method: "STL", "TL from mp_eform",
    /// "TL from tensornet_matpes_pbe", "MoE-18", "MoE-19 (k=4, gateStart=Probe)": a mixture by its method and number of
    /// extractors, with k when fewer are active and its gate start when not the paper's. The other settings are in
    /// <see cref="Settings"/>, the extractors' names in <see cref="Extractors"/>.
    /// </summary>
    public string Variant
    {
        get
        {
            if (Method == LearningMethod.STL) return "STL";
            var details = new List<string>();
            if (Method != LearningMethod.TL && TopK is int k && k != ExtractorCount) details.Add(FormattableString.Invariant($"k={k}"));
            if (BenchmarkHyperparameters.GateStartPairOf(Settings) is string start) details.Add(start);
            if (BenchmarkHyperparameters.PairOf(Settings, RunSettings.TensorNetLastBlock) is string block) details.Add(block);
            string name = Method == LearningMethod.TL ? $"TL from {Extractors}" : FormattableString.Invariant($"{Method}-{ExtractorCount}");
            return name + (details.Count == 0 ? "" : $" ({string.Join(", ", details)})");
        }
    }

    /// <summary>Number of seeds averaged.</summary>
    public int Seeds { get; init; }

    public int Rows { get; init; }
    public string? Unit { get; init; }
    public override double MeanTestMAE { get; init; }

    /// <summary>Sample standard deviation over seeds; null with a single seed.</summary>
    public double? StdTestMAE { get; init; }

    /// <summary>"0.114 ± 0.006", to three significant digits as in the paper.</summary>
    public string TestMAE => MeanStdFormat.Format(MeanTestMAE, StdTestMAE);

    public double MeanValMAE { get; init; }

    /// <summary>(STL − this) / STL × 100 on mean test MAE; null when the task has no STL runs.</summary>
    public double? ImprovementOverSTL { get; init; }

    /// <summary>True for the lowest mean test MAE of its task.</summary>
    public bool IsBest { get; init; }

    public double? PaperMAE { get; init; }
    public double? PaperStd { get; init; }

    /// <summary>The paper's value as "0.114 ± 0.006" (mean only for Tables 1 and 4).</summary>
    public string? Paper => PaperMAE is double p ? MeanStdFormat.Format(p, PaperStd) : null;

    /// <summary>The paper's table the value comes from ("Table 3", "Table 4 (k=2)", "Table 1").</summary>
    public string? PaperSource { get; init; }

    /// <summary>Our mean test MAE divided by the paper's (below 1: we do better).</summary>
    public double? RatioToPaper { get; init; }

    /// <summary>(our mean − the paper's mean) / the paper's std: how far we are from the paper in its own spread (negative: lower error); null without a paper std.</summary>
    public double? DifferenceInPaperStds { get; init; }

    public double MeanSeconds { get; init; }

    /// <summary>How the runs' settings differ from the paper's recipe (<see cref="BenchmarkResult.Settings"/>); empty for the recipe itself.</summary>
    public string Settings { get; init; } = "";

    /// <summary>
    /// The part of <see cref="Settings"/> that every method shares (epochs, patience, batch size, learning rate), e.g.
    /// "epochs=200; patience=50" for the Fast preset; empty for the paper's. Tables group by it.
    /// </summary>
    public string Recipe => BenchmarkHyperparameters.RecipeOf(Settings);

    /// <summary>The settings hash shared by the runs summarised.</summary>
    public string ConfigHash { get; init; } = "";

    public override string ToString() => $"{Task} {Method}{(Settings.Length == 0 ? "" : $" [{Settings}]")}: {TestMAE} ({Seeds} seeds)";
}
