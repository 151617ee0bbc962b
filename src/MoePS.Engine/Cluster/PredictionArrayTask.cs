using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models;

namespace MoePS.Engine.Cluster;

/// <summary>
/// The work of one shard of a sharded prediction: read its structure files, predict them in batches,
/// write one row per structure (or per file that cannot be read) to the shard's CSV, and merge all
/// shards into the output when this was the last one.
/// </summary>
public static class PredictionArrayTask
{
    /// <summary>The entry the batch script calls; returns the process's exit status.</summary>
    public static int Run(string specPath) => SlurmArrayTask.Run((index, cancellation) => Execute(specPath, index, cancellation));

    static int Execute(string specPath, int index, CancellationToken cancellation)
    {
        var spec = PredictionArraySpec.Load(specPath);
        var files = SlurmArrayTask.ItemOf(spec.Shards, index, specPath, "shard");
        var device = spec.ResolveDevice();
        var models = spec.ModelPaths.Select(p => ModelFile.Read(p)).ToList();
        try
        {
            PropertyPredictor.CheckCompatible(models);
            SlurmArrayTask.Log($"shard {index}: {files.Count} structure file(s) on {device.Name}");
            var rows = Predict(models, files, spec.Force, device, cancellation);
            PredictionCsv.Write(spec.ShardPath(index), rows);
            SlurmArrayTask.Log($"{rows.Count} row(s), {rows.Count(r => r.Error != null)} without a prediction, in {spec.ShardPath(index)}");
        }
        finally
        {
            foreach (var m in models) (m as IDisposable)?.Dispose();
        }
        if (PredictionCsv.MergeIfComplete(spec.ShardPaths(), spec.OutputPath))
            SlurmArrayTask.Log($"all {spec.Shards.Count} shard(s) done: merged into {spec.OutputPath}");
        return 0;
    }

    /// <summary>
    /// One row per structure, in file order; a structure the models cannot take (also, unless
    /// <paramref name="force"/>, one with atoms that have no neighbour), or a file that cannot be read, is a row with its error.
    /// </summary>
    static List<PredictionRow> Predict(List<IPropertyModel> models, IReadOnlyList<string> files, bool force, ComputeDevice device,
        CancellationToken cancellation)
    {
        var first = models[0];
        var graphSettings = models.Select(m => m.GraphSettings).OfType<GraphSettings>().Distinct().ToList();
        string modelName = string.Join(", ", models.Select(m => m.Name));
        var rows = new List<PredictionRow?>();
        var batch = new List<(int Row, Crystal Crystal, string Source)>();
        void Flush()
        {
            if (batch.Count == 0) return;
            var predictions = PropertyPredictor.Predict(models, batch.Select(b => new PredictionInput(b.Crystal, null)).ToList(), device);
            for (int i = 0; i < batch.Count; i++)
            {
                var p = predictions[i];
                rows[batch[i].Row] = new PredictionRow(p.Id, p.Formula, p.Predicted, p.Unit, p.StdDev, p.Model, p.Property, batch[i].Source, null);
            }
            batch.Clear();
        }
        PredictionRow Failed(string id, string formula, string source, Exception e) =>
            new(id, formula, null, first.Unit, null, modelName, first.PropertyName, source, e.Message);

        foreach (string file in files)
        {
            cancellation.ThrowIfCancellationRequested();
            List<Crystal> crystals;
            try
            {
                crystals = StructureFile.Read(file).ToList();
            }
            catch (Exception e) when (e is CrystalFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                rows.Add(Failed(Path.GetFileNameWithoutExtension(file), "", file, e));
                continue;
            }
            foreach (var crystal in crystals)
            {
                try
                {
                    foreach (var m in models) m.CheckSupports(crystal);
                    if (!force)
                        foreach (var settings in graphSettings) IsolatedAtoms.Check(crystal, settings);
                }
                catch (Exception e) when (e is ArgumentException or CrystalFormatException or IsolatedAtomsException)
                {
                    rows.Add(Failed(crystal.Id, crystal.Formula, file, e));
                    continue;
                }
                batch.Add((rows.Count, crystal, file));
                rows.Add(null);
                if (batch.Count >= Extractor.EvaluationBatchSize) Flush();
            }
        }
        Flush();
        return rows.Select(r => r!).ToList();
    }
}
