using System.Text.Json.Serialization;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// One finished benchmark run: a (task, method, seed) trained and tested once. Every property a
/// spreadsheet needs is a scalar; the typed gate scores and the test-set parity data sit behind
/// <see cref="GateScoreDictionary"/> and <see cref="Parity"/>, whose text forms are short summaries.
/// </summary>
public sealed class BenchmarkResult
{
    public string Task { get; init; } = "";

    /// <summary>STL, TL, MoE, Ensemble or Concat (in result files by name).</summary>
    [JsonRequired]
    public LearningMethod Method { get; init; }

    public int Seed { get; init; }

    /// <summary>Rows of the whole dataset (the x axis of the paper's Fig. 2).</summary>
    public int Rows { get; init; }

    public double TestMAE { get; init; }
    public double ValMAE { get; init; }
    public string? Unit { get; init; }
    public int BestEpoch { get; init; }

    /// <summary>Epochs actually trained (fewer than the budget after an early stop).</summary>
    public int Epochs { get; init; }

    public double Seconds { get; init; }
    public string Device { get; init; } = "";

    /// <summary>k of the gate; null for STL and TL.</summary>
    public int? TopK { get; init; }

    /// <summary>Comma-joined extractor names (one for TL, none for STL).</summary>
    public string Extractors { get; init; } = "";

    /// <summary>Where the train/validation/test split came from: "seed0.json[task]" (the paper's) or "random seed 0, 0.7/0.15".</summary>
    public string Split { get; init; } = "";

    /// <summary>Hash of the run's method-relevant hyperparameters (<see cref="BenchmarkHyperparameters.HashFor"/>).</summary>
    public string ConfigHash { get; init; } = "";

    /// <summary>How the run's settings differ from the paper's recipe, e.g. "epochs=200; patience=50; frozenNormalization=Adapt"; empty for the recipe itself.</summary>
    [JsonInclude]
    public string Settings { get; internal set; } = "";

    public DateTimeOffset Finished { get; init; }

    /// <summary>
    /// True when the run was read back from the result file — finished by an earlier (interrupted)
    /// benchmark or another writer — rather than trained by the command that output it.
    /// </summary>
    [JsonIgnore]
    public bool FromResultFile { get; internal set; }

    /// <summary>"&lt;result file&gt;:&lt;line&gt;" of a result read from a file, for messages; null otherwise.</summary>
    [JsonIgnore]
    internal string? Origin { get; set; }

    /// <summary>Where the result came from, for messages: its file and line, or its run.</summary>
    internal string Describe() => Origin ?? $"{Task} {Method} seed {Seed}";

    /// <summary>Gate scores of the trained mixture as one cell: "mp_eform=0.41;jarvis_eform=0.3", non-zero scores, highest first.</summary>
    [JsonIgnore]
    public string GateScores => GateScoreDictionary.ToCompactString();

    /// <summary>Gate score per extractor (all m of them, zeros included); empty for STL and TL.</summary>
    public GateScoreDictionary GateScoreDictionary { get; init; } = GateScoreDictionary.Empty;

    /// <summary>Test-set predictions for parity plots, when the runner kept them.</summary>
    public ParityData? Parity { get; init; }

    /// <summary>Number of extractors named in <see cref="Extractors"/>.</summary>
    public int ExtractorCount() =>
        Extractors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;

    /// <summary>A copy with <see cref="Settings"/> set.</summary>
    public BenchmarkResult WithSettings(string settings)
    {
        var copy = (BenchmarkResult)MemberwiseClone();
        copy.Settings = settings;
        return copy;
    }

    public BenchmarkRunKey GetKey() => new(Task, Method, Seed, ConfigHash);

    public override string ToString() => $"{Task} {Method} seed {Seed}: test MAE {TestMAE:G4}";
}
