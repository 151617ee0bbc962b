using System.Management.Automation;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Cluster;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;

namespace MoePS.Cmdlets.Cluster;

/// <summary>Makes the PowerShell job for a submitted Slurm job, with the way its kind's results are read back.</summary>
internal static class SlurmJobs
{
    public static SlurmJob Attach(SlurmJobRecord record, SlurmCommands slurm) => new(record, slurm, ResultReader(record));

    static Func<int, IEnumerable<object>> ResultReader(SlurmJobRecord record) => record.Kind switch
    {
        SlurmJobKind.Benchmark => BenchmarkResults(record),
        SlurmJobKind.Pretrain => TrainedExtractor(record),
        SlurmJobKind.Prediction => ShardRows(record),
        _ => throw new NotSupportedException($"This MoePS cannot read back {record.Kind} jobs ({record.JobId})."),
    };

    /// <summary>A finished benchmark task's result: its run's line in the plan's result file.</summary>
    static Func<int, IEnumerable<object>> BenchmarkResults(SlurmJobRecord record)
    {
        var spec = new Lazy<BenchmarkArraySpec>(() => BenchmarkArraySpec.Load(record.SpecPath));
        return task =>
        {
            var result = spec.Value.ResultOf(task, new ResultStore(spec.Value.ResultPath).ReadAll())
                ?? throw new SlurmException($"Task {record.JobId}_{task} ended well, but {spec.Value.ResultPath} has no result for {spec.Value.Runs[task].Key}.");
            return new object[] { result };
        };
    }

    /// <summary>A finished pre-training's extractor, read from the .moex the job wrote.</summary>
    static Func<int, IEnumerable<object>> TrainedExtractor(SlurmJobRecord record) =>
        _ => new object[] { ExtractorBundle.Read(PretrainArraySpec.Load(record.SpecPath).ModelPath) };

    /// <summary>
    /// A finished shard's rows: Predictions, and an error for each structure without one. Merges the
    /// shards into the output should no task have seen them all (a file system slow to show files).
    /// </summary>
    static Func<int, IEnumerable<object>> ShardRows(SlurmJobRecord record)
    {
        var spec = new Lazy<PredictionArraySpec>(() => PredictionArraySpec.Load(record.SpecPath));
        return shard =>
        {
            var rows = PredictionCsv.Read(spec.Value.ShardPath(shard));
            if (!File.Exists(spec.Value.OutputPath)) PredictionCsv.MergeIfComplete(spec.Value.ShardPaths(), spec.Value.OutputPath);
            return rows.Select(r => r.Error == null
                ? (object)new Prediction(r.Id, r.Formula, r.Predicted!.Value, r.Unit, null, null, r.StdDev, r.Model, r.Property)
                : new ErrorRecord(new InvalidDataException(r.Error!.Contains(r.Source, StringComparison.Ordinal) ? r.Error : $"{r.Source}: {r.Error}"), "StructureNotPredicted", ErrorCategory.InvalidData, r.Source));
        };
    }
}
