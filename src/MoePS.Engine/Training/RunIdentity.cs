using System.Globalization;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Training;

/// <summary>
/// Everything that shapes a training run, as named text fields: first the target's own (model kind
/// and shape, from <see cref="ITrainingTarget.Identity"/>), then the recipe, the split, the label
/// normaliser and hashes of what the split's rows hold (structures, where known, and targets), per part. A checkpoint continues only a run of the same identity. A new setting that shapes
/// runs is one more line here (recipe) or in a target's identity (model).
/// </summary>
internal sealed class RunIdentity
{
    readonly List<KeyValuePair<string, string>> fields;

    RunIdentity(List<KeyValuePair<string, string>> fields) => this.fields = fields;

    public static RunIdentity Of(ITrainingTarget target, TrainingOptions options, IReadOnlyList<double> baseRates, DatasetSplit split,
        Normaliser normaliser, IReadOnlyList<double> targets, IReadOnlyList<Crystal>? structures)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var recipe = new Dictionary<string, string>
        {
            ["Epochs"] = I(options.Epochs),
            ["Patience"] = I(options.Patience),
            ["BatchSize"] = I(options.EffectiveBatchSize(split.Train.Length)),
            ["LearningRates"] = string.Join(",", baseRates.Select(F)),
            ["Schedule"] = $"cosine(T_max {I(options.Epochs)}, eta_min {F(options.MinimumLearningRate)})",
            ["Optimizer"] = options.Optimizer == OptimizerKind.SGD ? $"SGD(momentum {F(options.Momentum)})" : "Adam",
            ["WeightDecay"] = F(options.WeightDecay),
            ["Seed"] = I(options.Seed),
            ["Sampling"] = options.WeightedSampling ? $"weighted({I(options.Bins)} bins)" : "shuffle",
            ["Split"] = FormattableString.Invariant(
                $"{split.Train.Length}/{split.Validation.Length}/{split.Test.Length} rows, hash {RowHash(split.Train, split.Validation, split.Test):X16}"),
            ["Normaliser"] = $"{F(normaliser.Mean)}/{F(normaliser.Std)}",
        };
        foreach (var (part, rows) in new[] { ("Train", split.Train), ("Validation", split.Validation), ("Test", split.Test) })
        {
            if (structures != null) recipe[$"{part}Structures"] = RowContentHash.Structures(structures, rows);
            recipe[$"{part}Targets"] = RowContentHash.Targets(targets, rows);
        }
        var all = target.Identity.ToList();
        var clash = all.Select(f => f.Key).Intersect(recipe.Keys).FirstOrDefault();
        if (clash != null)
            throw new InvalidOperationException($"The training target's identity field '{clash}' clashes with the run's own.");
        all.AddRange(recipe);
        return new RunIdentity(all);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(fields.Count);
        foreach (var (key, value) in fields)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static RunIdentity Read(BinaryReader reader)
    {
        int n = reader.ReadInt32();
        var read = new List<KeyValuePair<string, string>>(n);
        for (int i = 0; i < n; i++) read.Add(new(reader.ReadString(), reader.ReadString()));
        return new RunIdentity(read);
    }

    /// <summary>"Name saved → this" for every field that differs, this run's fields first in their order; empty when the same.</summary>
    public IReadOnlyList<string> DifferencesFrom(RunIdentity saved)
    {
        var mine = fields.ToDictionary(f => f.Key, f => f.Value);
        var theirs = saved.fields.ToDictionary(f => f.Key, f => f.Value);
        return fields.Select(f => f.Key).Concat(saved.fields.Select(f => f.Key).Where(k => !mine.ContainsKey(k)))
            .Where(k => theirs.GetValueOrDefault(k) != mine.GetValueOrDefault(k))
            .Select(k => $"{k} {theirs.GetValueOrDefault(k) ?? "(none)"} → {mine.GetValueOrDefault(k) ?? "(none)"}")
            .ToList();
    }

    /// <summary>FNV-1a over the rows of each part, with a separator between parts.</summary>
    static ulong RowHash(params int[][] parts)
    {
        ulong h = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (int r in part) h = (h ^ (uint)r) * 1099511628211UL;
            h = (h ^ 0xFFFFFFFFUL) * 1099511628211UL;
        }
        return h;
    }
}
