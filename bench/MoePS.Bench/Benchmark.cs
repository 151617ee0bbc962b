using MoePS.Engine.Crystals;

namespace MoePS.Bench;

/// <summary>One machine-readable benchmark number.</summary>
public sealed record BenchResult(string Name, double Value, string Unit, string Details);

/// <summary>A benchmark; every non-abstract implementation in this assembly is run by Program.</summary>
public interface IBenchmark
{
    /// <summary>Group name, matched by --filter.</summary>
    string Name { get; }

    /// <summary>Long benchmarks (an hour, not minutes) run only when a --filter other than "*" names them.</summary>
    bool IsLong => false;
    IEnumerable<BenchResult> Run(BenchContext context);
}

/// <summary>What benchmarks share: the data folder, the repository, how epochs are timed, the reference code (the paper's, MatGL's) when asked for, and a log.</summary>
public sealed class BenchContext
{
    public BenchContext(string dataFolder, string? repositoryRoot, EpochTiming timing, PaperCode? paperCode,
        MatGLCode? matgl = null, string? matglAbsence = null)
    {
        DataFolder = dataFolder;
        RepositoryRoot = repositoryRoot;
        Timing = timing;
        PaperCode = paperCode;
        MatGL = matgl;
        MatGLAbsence = matglAbsence;
    }

    public string DataFolder { get; }
    /// <summary>The checkout this program was built from (null when run from elsewhere): the module is built into its MoePS/ folder.</summary>
    public string? RepositoryRoot { get; }
    public EpochTiming Timing { get; }
    /// <summary>The paper's code, to time beside MoePS; null without --reference or where it cannot run.</summary>
    public PaperCode? PaperCode { get; }
    /// <summary>MatGL's TensorNet code, to time beside MoePS's; null without --reference or where it cannot run.</summary>
    public MatGLCode? MatGL { get; }
    /// <summary>Why <see cref="MatGL"/> is null, when --reference asked for it.</summary>
    public string? MatGLAbsence { get; }
    public string PathOf(params string[] parts) => Path.Combine(new[] { DataFolder }.Concat(parts).ToArray());
    /// <summary>A paper task from the data folder, with its split for <paramref name="seed"/>.</summary>
    public CrystalDataset LoadTask(string key, int seed = 0) =>
        DatasetFile.Read(PathOf("tasks", key + ".json.gz")).Dataset.WithSplit(SplitFile.Read(PathOf("splits", $"seed{seed}.json"), key));

    /// <summary>The fastest of <paramref name="repeats"/> timed runs of <paramref name="action"/>, in seconds.</summary>
    public static double BestOf(int repeats, Action action)
    {
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
