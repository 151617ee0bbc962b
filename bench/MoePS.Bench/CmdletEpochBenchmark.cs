using System.Globalization;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Bench;

/// <summary>
/// Epoch times through the cmdlets, as a user types them (<c>Import-CrystalDataset -Name X | Split-CrystalDataset
/// -SplitFile …</c>, then <c>Start-ExtractorPretrain</c> or <c>Get-Extractor | New-MixtureModel [-TopK k] |
/// Start-MixtureTraining</c>), each training in a fresh <c>dotnet pwsh -NoProfile -File CmdletEpochs.ps1</c> with the
/// module built into the repository's MoePS/ folder, beside the engine's epochs of the same settings in this process:
/// STL and MoE top-4 on expt_eform, MoE-18 on jarvis_2d_exfoliation. Cmdlets train on a worker thread; the ratio
/// shows what that thread costs (glibc arenas: Runtime/MainArenaThreads.cs). With --reference, the paper's code on
/// each case too, and the cmdlets' speed-up over it.
/// </summary>
public sealed class CmdletEpochBenchmark : IBenchmark
{
    sealed record Case(string Name, string Kind, string Task, int? TopK);

    static readonly Case[] Cases =
    {
        new("stl", "stl", "expt_eform", null),
        new("moe_k4", "moe", "expt_eform", 4),
        new("moe_k18", "moe", "jarvis_2d_exfoliation", null),
    };

    public string Name => "cmdlet.epoch";

    public bool IsLong => true;

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string module = context.RepositoryRoot is { } root ? Path.Combine(root, "MoePS", "MoePS.psd1") : "";
        if (!File.Exists(module))
            throw new InvalidOperationException($"The built module was not found at '{module}': build it first (./build.ps1 Bench builds it).");
        var timing = context.Timing;
        var extractors = PaperExtractors.Names.Select(n => ExtractorLibrary.Load(n)).ToList();
        foreach (var c in Cases)
        {
            using var data = new CgcnnBenchData(context, c.Task);
            string what = c.Kind == "stl" ? "STL (SGD lr 0.02)" : EngineEpochs.DescribeMixture(c.TopK, extractors.Count);
            BenchContext.Log($"  {what}; {data.Describe()}");
            var engine = EpochSeries.Measure(timing, () => c.Kind == "stl"
                ? EngineEpochs.Stl(data, timing.Epochs)
                : EngineEpochs.Mixture(extractors, c.TopK, data.Dataset, data.Cache, timing.Epochs));
            var cmdlet = EpochSeries.Measure(timing, () => CmdletEpochs(context, module, c, timing.Epochs));
            string details = $"{what}, {data.Describe()}; batch 250";
            foreach (var r in SpeedComparison.Results($"cmdlet.{c.Name}", $"through the cmdlets, {details}", cmdlet, PaperEpochs(context, c, extractors.Count)))
                yield return r;
            foreach (var r in engine.Results($"cmdlet.{c.Name}.engine", $"through the engine, {details}")) yield return r;
            yield return SpeedComparison.Ratio($"cmdlet.{c.Name}.cmdlet_over_engine", cmdlet, engine, $"{what} on {c.Task}: cmdlets / engine");
        }
    }

    /// <summary>The paper's code on the same case, in the same sitting (--reference); null without it.</summary>
    static EpochSeries? PaperEpochs(BenchContext context, Case c, int extractors) =>
        context.PaperCode is { } code
            ? EpochSeries.Measure(context.Timing, () => code.Epochs(c.Kind, c.Task, context.Timing.Epochs, c.Kind == "stl" ? null : c.TopK ?? extractors))
            : null;

    static List<EpochSample> CmdletEpochs(BenchContext context, string module, Case c, int epochs)
    {
        var arguments = new List<string>
        {
            "pwsh", "-NoProfile", "-File", Path.Combine(AppContext.BaseDirectory, "CmdletEpochs.ps1"),
            "-Module", module, "-Kind", c.Kind, "-Task", c.Task, "-SplitFile", context.PathOf("splits", "seed0.json"),
            "-Epochs", epochs.ToString(CultureInfo.InvariantCulture), "-TopK", (c.TopK ?? 0).ToString(CultureInfo.InvariantCulture),
        };
        // dotnet pwsh finds PowerShell through the repository's tool manifest.
        return JsonLinesProcess.Run("dotnet", arguments, context.RepositoryRoot!).Select(JsonLinesProcess.Epoch).ToList();
    }
}
