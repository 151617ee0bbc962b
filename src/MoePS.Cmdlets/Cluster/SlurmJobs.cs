using MoePS.Engine.Benchmarks;
using MoePS.Engine.Cluster;
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
}
