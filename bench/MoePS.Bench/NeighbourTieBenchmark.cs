using System.Globalization;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Library;

namespace MoePS.Bench;

/// <summary>
/// Issue 9 part 6: how often the 12-neighbour cut falls inside a shell of equidistant atoms (12th and 13th
/// neighbour within 8 Å equally far to 1e-6 Å) across the 16 tasks, and how far the paper's 18 extractors'
/// predictions move between equally valid choices within those shells: the engine's (lowest atom indices
/// first) against the reversed order and <see cref="Shuffles"/> random choices, on every distinct structure
/// where the choice changes which atoms are neighbours. Where an extractor predicts a task's own property,
/// its MAE on those rows with the engine's choice is compared with the MAE of the average over all choices,
/// the most a tie-invariant graph could gain. Long: about 8 minutes on one core of the shared development machine.
/// </summary>
public sealed class NeighbourTieBenchmark : IBenchmark
{
    const int Shuffles = 8;
    const int Seed = 0;
    const int Named = 5;

    /// <summary>Issue 9's example: cubic CsGeBr3, where Br's 12th neighbours are Cs and Br at 3.9688 Å.</summary>
    static readonly (string Task, int Row) Example = ("mp_dielectric", 4763);

    /// <summary>Extractors and tasks of the same property (eV/atom, eV, dimensionless), for the label comparison.</summary>
    static readonly (string Extractor, string Task)[] SameProperty =
    {
        ("mp_eform", "expt_eform"), ("jarvis_eform", "jarvis_2d_eform"),
        ("jarvis_bandgap", "jarvis_2d_gap_opt"), ("jarvis_dielectric_opt", "jarvis_2d_dielectric_opt"),
    };

    public string Name => "graph.ties";

    public bool IsLong => true;

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var settings = GraphSettings.Default;
        var tasks = PaperResults.Table3.Where(t => t.DataAvailable).Select(t => t.Task).ToList();
        var datasets = new Dictionary<string, CrystalDataset>();
        var tied = new List<TiedStructure>();
        var all = new HashSet<string>();
        var tiedContents = new HashSet<string>();
        long structures = 0, atoms = 0, tiedStructures = 0, tiedAtoms = 0;
        foreach (var task in tasks)
        {
            var dataset = datasets[task] = DatasetFile.Read(context.PathOf("tasks", task + ".json.gz")).Dataset;
            var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
            var shells = new IReadOnlyList<TiedShell>[crystals.Count];
            var contents = new string[crystals.Count];
            Parallel.For(0, crystals.Count, r =>
            {
                shells[r] = NeighbourTies.Find(crystals[r], settings);
                contents[r] = StructureKey.ToHex(GraphCacheKey.Compute(crystals[r], settings));
            });
            var rows = Enumerable.Range(0, crystals.Count).Where(r => shells[r].Count > 0).ToList();
            int atomsHere = crystals.Sum(c => c.AtomCount), tiedHere = rows.Sum(r => shells[r].Count);
            var distinct = rows.Where(r => shells[r].Any(s => s.HasDistinctAtoms)).ToList();
            int distinctAtoms = distinct.Sum(r => shells[r].Count(s => s.HasDistinctAtoms));
            string details = string.Create(Invariant, $"{task}: {rows.Count} of {crystals.Count} structures, {tiedHere} of {atomsHere} atoms; "
                + $"shells of more than one atom (the choice changes the neighbours): {distinct.Count} structures, {distinctAtoms} atoms");
            yield return new BenchResult($"graph.ties.{task}.structures", rows.Count, "structures", details);
            yield return new BenchResult($"graph.ties.{task}.atoms", tiedHere, "atoms", details);
            yield return new BenchResult($"graph.ties.{task}.distinct_structures", distinct.Count, "structures", details);
            yield return new BenchResult($"graph.ties.{task}.distinct_atoms", distinctAtoms, "atoms", details);
            structures += crystals.Count; atoms += atomsHere; tiedStructures += rows.Count; tiedAtoms += tiedHere;
            all.UnionWith(contents);
            tiedContents.UnionWith(rows.Select(r => contents[r]));
            tied.AddRange(distinct.Select(r => new TiedStructure(task, r, dataset.Entries[r], shells[r], contents[r])));
        }
        var unique = tied.DistinctBy(t => t.Content).ToList();
        string total = string.Create(Invariant, $"{tasks.Count} tasks, counted per task: {tiedStructures} of {structures} structures ({100.0 * tiedStructures / structures:F1} %), "
            + $"{tiedAtoms} of {atoms} atoms; {tied.Count} structures where the choice changes the neighbours. Distinct structures "
            + $"(tasks share many): {tiedContents.Count} of {all.Count} tied, {unique.Count} where the choice changes the neighbours");
        yield return new BenchResult("graph.ties.total.structures", tiedStructures, "structures", total);
        yield return new BenchResult("graph.ties.total.atoms", tiedAtoms, "atoms", total);
        yield return new BenchResult("graph.ties.total.distinct_structures", tied.Count, "structures", total);
        yield return new BenchResult("graph.ties.unique.structures", tiedContents.Count, "structures", total);
        yield return new BenchResult("graph.ties.unique.distinct_structures", unique.Count, "structures", total);
        if (unique.Count == 0) yield break;

        var choices = Choices(unique, settings);
        string? exampleContent = tied.FirstOrDefault(t => (t.Task, t.Row) == Example)?.Content;
        int example = unique.FindIndex(u => u.Content == exampleContent);
        string protocol = string.Create(Invariant, $"{unique.Count} distinct structures × {choices.Count - 1} other choices (reversed order, {Shuffles} random, seed {Seed}) against the engine's");
        var cpu = ComputeDevice.Parse("cpu");
        var ids = unique.Select(u => u.Entry.Crystal.Id).ToList();
        foreach (string name in PaperExtractors.Names)
        {
            using var extractor = ExtractorLibrary.Load(name);
            var started = DateTime.UtcNow;
            var predictions = choices.Select(graphs => extractor.Predict(graphs, ids, cpu)).ToList();
            foreach (var r in Shifts(extractor, unique, predictions, example, protocol, DateTime.UtcNow - started)) yield return r;
            foreach (var (_, task) in SameProperty.Where(p => p.Extractor == name))
                foreach (var r in LabelComparison(extractor, datasets[task], tied, unique, predictions, settings, cpu)) yield return r;
        }
    }

    /// <summary>The graphs of every structure under each choice: [0] the engine's, [1] reversed, then the random ones.</summary>
    static List<CrystalGraph[]> Choices(IReadOnlyList<TiedStructure> unique, GraphSettings settings)
    {
        var random = new Random(Seed);
        var engine = unique.Select(u => GraphBuilder.Build(u.Entry.Crystal, settings)).ToArray();
        var choices = new List<CrystalGraph[]> { engine, engine.Select((g, i) => TieBreak.Reversed(g, unique[i].Shells)).ToArray() };
        for (int k = 0; k < Shuffles; k++)
            choices.Add(engine.Select((g, i) => TieBreak.Shuffled(g, unique[i].Shells, random)).ToArray());
        return choices;
    }

    /// <summary>Max and mean |prediction − engine's prediction| over the structures and the other choices.</summary>
    static IEnumerable<BenchResult> Shifts(Extractor extractor, IReadOnlyList<TiedStructure> unique, List<double[]> predictions,
        int example, string protocol, TimeSpan took)
    {
        var largest = new double[unique.Count]; // per structure, the largest |Δ| over the other choices
        double sum = 0;
        foreach (var p in predictions.Skip(1))
            for (int i = 0; i < p.Length; i++)
            {
                double d = Math.Abs(p[i] - predictions[0][i]);
                sum += d;
                largest[i] = Math.Max(largest[i], d);
            }
        string unit = extractor.Unit ?? "target units";
        string mae = extractor.ValMae is double v ? string.Create(Invariant, $"; its validation MAE {v:G3}") : "";
        var most = Enumerable.Range(0, unique.Count).OrderByDescending(i => largest[i]).Take(Named)
            .Select(i => string.Create(Invariant, $"{unique[i].Describe()} {largest[i]:G3}"));
        string details = string.Create(Invariant, $"{protocol}{mae}; mean over structures of the largest |Δ| {largest.Average():G3}; "
            + $"moved most: {string.Join(", ", most)}; issue 9's example ({Example.Task} row {Example.Row}) {(example < 0 ? "has no tie that matters" : string.Create(Invariant, $"{largest[example]:G3}"))}; "
            + $"{took.TotalSeconds:F0} s");
        yield return new BenchResult($"graph.ties.{extractor.Name}.max_abs_delta", largest.Max(), unit, details);
        yield return new BenchResult($"graph.ties.{extractor.Name}.mean_abs_delta", sum / (unique.Count * (predictions.Count - 1)), unit, details);
    }

    /// <summary>
    /// MAE against the task's labels on its rows where the choice matters, with the engine's choice, on average over
    /// single other choices, and for the average prediction over all choices; and on the whole task.
    /// </summary>
    static IEnumerable<BenchResult> LabelComparison(Extractor extractor, CrystalDataset dataset, IReadOnlyList<TiedStructure> tied,
        IReadOnlyList<TiedStructure> unique, List<double[]> predictions, GraphSettings settings, ComputeDevice device)
    {
        var position = unique.Select((u, i) => (u.Content, i)).ToDictionary(p => p.Content, p => p.i);
        var rows = tied.Where(t => t.Task == dataset.Name).Select(t => (t.Row, At: position[t.Content], Label: t.Entry.Target)).ToList();
        if (rows.Count == 0) yield break;
        double Mae(Func<int, double> predict) => rows.Average(r => Math.Abs(predict(r.At) - r.Label));
        double engine = Mae(i => predictions[0][i]);
        double single = Enumerable.Range(1, predictions.Count - 1).Average(c => Mae(i => predictions[c][i]));
        double average = Mae(i => predictions.Average(p => p[i]));

        var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
        double[] whole = extractor.Predict(GraphBatchBuilder.BuildAll(crystals, settings), crystals.Select(c => c.Id).ToList(), device);
        double taskEngine = Enumerable.Range(0, crystals.Count).Average(r => Math.Abs(whole[r] - dataset.Entries[r].Target));
        var averaged = (double[])whole.Clone();
        foreach (var r in rows) averaged[r.Row] = predictions.Average(p => p[r.At]);
        double taskAverage = Enumerable.Range(0, crystals.Count).Average(r => Math.Abs(averaged[r] - dataset.Entries[r].Target));

        string unit = dataset.Unit ?? "";
        string details = string.Create(Invariant, $"{extractor.Name} on {dataset.Name}'s labels, {rows.Count} of {crystals.Count} rows where the choice changes the neighbours: "
            + $"MAE {engine:G4} with the engine's choice, {single:G4} on average over the {predictions.Count - 1} other choices, {average:G4} for the average "
            + $"prediction over all {predictions.Count} choices ({Percent(average, engine)}); whole task {taskEngine:G4} → {taskAverage:G4} "
            + $"({Percent(taskAverage, taskEngine)})");
        string key = $"graph.ties.labels.{extractor.Name}.{dataset.Name}";
        yield return new BenchResult($"{key}.tied_mae_engine", engine, unit, details);
        yield return new BenchResult($"{key}.tied_mae_other_choices", single, unit, details);
        yield return new BenchResult($"{key}.tied_mae_choice_average", average, unit, details);
        yield return new BenchResult($"{key}.task_mae_engine", taskEngine, unit, details);
        yield return new BenchResult($"{key}.task_mae_choice_average", taskAverage, unit, details);
    }

    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The change from <paramref name="before"/> to <paramref name="after"/> in per cent, with its sign.</summary>
    static string Percent(double after, double before)
    {
        double change = 100 * (after - before) / before;
        return (change >= 0 ? "+" : "") + change.ToString("F2", Invariant) + " %";
    }

    sealed record TiedStructure(string Task, int Row, CrystalEntry Entry, IReadOnlyList<TiedShell> Shells, string Content)
    {
        public string Describe() => string.Create(Invariant, $"{Task} row {Row} {Entry.Crystal.Formula}");
    }
}
