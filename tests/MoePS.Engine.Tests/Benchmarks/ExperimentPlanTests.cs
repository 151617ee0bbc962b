using System.Text.Json;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

public class ExperimentPlanTests
{
    static string Examples(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "MoePS.sln"))) dir = dir.Parent;
        return Path.Combine(dir.FullName, "examples", file);
    }

    const string Valid = """
        name: small
        tasks: [jarvis_2d_gap_tbmbj, mp_poisson_ratio]
        methods:
          - STL
          - tl
          - { method: MoE, topK: 2 }
          - { method: MoE, aggregation: Concat }
        seeds: 0..2
        device: cuda:1
        resultPath: out/small.jsonl
        hyperparameters:
          epochs: 40
          learningRate: 1e-3
          extractors: [mp_eform, mp_bandgap, jarvis_eform]
        """;

    [Fact]
    public void AValidPlanExpandsIntoRuns()
    {
        string source = Path.Combine(Path.GetTempPath(), "plans", "small.yaml");
        var plan = ExperimentPlanReader.Parse(Valid, source);
        Assert.Equal("small", plan.Name);
        Assert.Equal(new[] { 0, 1, 2 }, plan.Seeds);
        Assert.Equal("cuda:1", plan.Device);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "plans", "out", "small.jsonl"), plan.ResultPath);
        Assert.Equal(new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE, LearningMethod.Concat }, plan.Methods.Select(m => m.Method));
        Assert.Equal(2, plan.Methods[2].Settings.TopK);
        Assert.Equal(Aggregation.Concat, plan.Methods[3].Settings.Aggregation);
        Assert.All(plan.Methods, m => Assert.Equal(40, m.Settings.Epochs));
        Assert.All(plan.Methods, m => Assert.Equal(1e-3, m.Settings.LearningRate));
        Assert.Equal(500, plan.Hyperparameters.Patience); // paper default kept
        Assert.Equal(2 * 4 * 3, plan.Runs().Count());
        Assert.Equal(plan.Runs().Count(), plan.Runs().Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public void AnUnknownKeyIsNamedWithItsLine()
    {
        string yaml = "tasks: [expt_eform]\nmethods: [STL]\nhyperparameters:\n  epochs: 10\n  epoch: 20\n";
        var e = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse(yaml, "plan.yaml"));
        Assert.Equal(5, e.Line);
        Assert.Equal(3, e.Column);
        Assert.Equal("hyperparameters.epoch", e.Key);
        Assert.Contains("plan.yaml, line 5", e.Message);
        Assert.Contains("'epoch'", e.Message);
        Assert.Contains("did you mean", e.Message);
    }

    [Theory]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\nhyperparameters:\n  epochs: ten\n", 4, "hyperparameters.epochs", "whole number")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\nseeds: [0, x]\n", 3, "seeds[1]", "whole number")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\nhyperparameters:\n  learningRate: fast\n", 4, "hyperparameters.learningRate", "number")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\nhyperparameters: 5\n", 3, "hyperparameters", "mapping")]
    [InlineData("tasks: {a: 1}\nmethods: [STL]\n", 1, "tasks", "list")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL, Magic]\n", 2, "methods[1]", "unknown method")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\ndevice: gpu\n", 3, "device", "cuda:N")]
    [InlineData("tasks: [expt_eform]\nmethods:\n  - { method: Ensemble, aggregation: Concat }\n", 3, "methods[0].aggregation", "aggregation")]
    [InlineData("methods: [STL]\n", 1, "tasks", "required")]
    [InlineData("tasks: [expt_eform]\nmethods: [STL]\nhyperparameters:\n  epochs: 0\n", 4, "hyperparameters.epochs", "at least 1")]
    public void AWrongValueIsNamedWithItsKeyAndLine(string yaml, int line, string key, string message)
    {
        var e = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse(yaml, "plan.yaml"));
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
        Assert.Contains($"line {line}", e.Message);
    }

    [Fact]
    public void MethodsAndAggregationsAreNamesInAnyCase()
    {
        var plan = ExperimentPlanReader.Parse(
            "tasks: [a]\nmethods: [stl, ' Tl ', { method: moe, aggregation: ENSEMBLE }, CONCAT]\nhyperparameters: { aggregation: add }\n");
        Assert.Equal(new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.Ensemble, LearningMethod.Concat },
            plan.Methods.Select(m => m.Method));
        Assert.Equal(Aggregation.Ensemble, plan.Methods[2].Settings.Aggregation);
    }

    [Theory]
    [InlineData("tasks: [a]\nmethods: [STL, 1]\n", 2, "methods[1]", "unknown method '1'. Methods: STL, TL, MoE, Ensemble, Concat, PaperEnsemble, PaperConcat.")]
    [InlineData("tasks: [a]\nmethods: [MoE]\nhyperparameters:\n  aggregation: 0\n", 4, "hyperparameters.aggregation",
        "'hyperparameters.aggregation' must be Add, Concat, Ensemble, PaperConcat or PaperEnsemble, not '0'.")]
    public void NumbersAreNotNames(string yaml, int line, string key, string message)
    {
        var e = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse(yaml, "plan.yaml"));
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void PresetRecipeAndFrozenNormalizationComeFromThePlan()
    {
        var plan = ExperimentPlanReader.Parse("""
            tasks: [jarvis_2d_gap_tbmbj]
            methods:
              - STL
              - { method: TL, preset: Paper }
              - { method: MoE, aggregation: paper-concat }
              - { method: PaperEnsemble, epochs: 30, preset: fast }
            hyperparameters: { preset: fast, stlRecipe: paper-code, frozenNormalization: adapt }
            """);
        Assert.Equal(new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.PaperConcat, LearningMethod.PaperEnsemble },
            plan.Methods.Select(m => m.Method));
        var settings = plan.Methods.Select(m => m.Settings).ToList();
        // The preset sets epochs and patience; a key beside it wins, wherever it stands.
        Assert.Equal(new[] { (200, 50), (1000, 500), (200, 50), (30, 50) }, settings.Select(s => (s.Epochs, s.Patience)));
        Assert.All(settings, s => Assert.Equal(SingleTaskRecipe.PaperCode, s.StlRecipe));
        Assert.All(settings, s => Assert.Equal(FrozenNormalization.Adapt, s.FrozenNormalization));
        Assert.Equal(Aggregation.PaperConcat, settings[2].Aggregation);
    }

    [Fact]
    public void TheGateStartComesFromThePlanAndNamesOnlyMixtureRunsThatLeaveThePapersOnes()
    {
        var plan = ExperimentPlanReader.Parse("""
            tasks: [jarvis_2d_gap_tbmbj]
            methods: [STL, TL, MoE, { method: MoE, topK: 4, gateStart: probe }]
            hyperparameters: { preset: fast }
            """);
        var described = plan.Methods.Select(m => m.Settings.Describe(m.Method)).ToList();
        Assert.Equal(new[] { "epochs=200; patience=50", "epochs=200; patience=50", "epochs=200; patience=50", "epochs=200; patience=50; topK=4; gateStart=Probe" },
            described);
        Assert.Equal(GateStart.Probe, plan.Methods[3].Settings.GateStart);
        Assert.NotEqual(plan.Methods[2].Settings.HashFor(LearningMethod.MoE), plan.Methods[3].Settings.HashFor(LearningMethod.MoE));
    }

    [Fact]
    public void AFineTunedTensorNetBlockComesFromThePlanAndNamesOnlyTheRunsThatAskForIt()
    {
        var plan = ExperimentPlanReader.Parse("""
            tasks: [jarvis_2d_exfoliation]
            methods:
              - { method: TL, transferFrom: tensornet_matpes_pbe }
              - { method: TL, transferFrom: tensornet_matpes_pbe, tensorNetLastBlock: fine-tuned }
              - { method: STL, tensorNetLastBlock: fineTuned }
            hyperparameters: { preset: fast }
            """);
        var described = plan.Methods.Select(m => m.Settings.Describe(m.Method)).ToList();
        Assert.Equal(new[]
        {
            "epochs=200; patience=50; transferFrom=tensornet_matpes_pbe",
            "epochs=200; patience=50; transferFrom=tensornet_matpes_pbe; tensorNetLastBlock=FineTuned",
            "epochs=200; patience=50",
        }, described);
        Assert.Equal(TensorNetLastBlock.FineTuned, plan.Methods[1].Settings.TensorNetLastBlock);
        // STL trains no expert: the setting leaves its key as it was.
        Assert.Equal(new BenchmarkHyperparameters().With(TrainingPreset.Fast).HashFor(LearningMethod.STL), plan.Methods[2].Settings.HashFor(LearningMethod.STL));
    }

    [Fact]
    public void ThePaperCodesFormsTakeNoTopK()
    {
        var e = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse(
            "tasks: [a]\nmethods: [MoE, PaperConcat]\nhyperparameters: { topK: 2 }\n", "plan.yaml"));
        Assert.Equal("methods[1].topK", e.Key);
        Assert.Contains("PaperConcat uses every extractor", e.Message);
        var unknown = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse(
            "tasks: [a]\nmethods: [STL]\nhyperparameters: { preset: slow }\n", "plan.yaml"));
        Assert.Contains("must be Paper or Fast, not 'slow'", unknown.Message);
    }

    [Fact]
    public void ADuplicateKeyIsReportedWithItsLine()
    {
        var e = Assert.Throws<ExperimentPlanException>(() =>
            ExperimentPlanReader.Parse("tasks: [expt_eform]\nmethods: [STL]\ntasks: [mp_phonons]\n", "plan.yaml"));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void BrokenYamlIsReportedWithItsLine()
    {
        var e = Assert.Throws<ExperimentPlanException>(() => ExperimentPlanReader.Parse("tasks: [expt_eform\nmethods: [STL]\n", "plan.yaml"));
        Assert.Contains("not valid YAML", e.Message);
        Assert.True(e.Line >= 1);
    }

    [Fact]
    public void TheTable3ExampleRunsTheSixteenAvailableTasksWithPaperSettings()
    {
        var plan = ExperimentPlanReader.Load(Examples("paper-table3.yaml"));
        using var index = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("tasks", "index.json")));
        var available = index.RootElement.GetProperty("tasks").EnumerateObject()
            .Where(t => t.Value.GetProperty("available").GetBoolean()).Select(t => t.Name).OrderBy(n => n);
        Assert.Equal(available, plan.Tasks.OrderBy(n => n));
        Assert.Equal(new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE }, plan.Methods.Select(m => m.Method));
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, plan.Seeds);
        Assert.Equal(240, plan.Runs().Count());
        var moe = plan.Methods[2].Settings;
        Assert.Equal(new BenchmarkHyperparameters(), moe with { Extractors = Array.Empty<string>() });
        Assert.Null(moe.TopK);
    }

    [Fact]
    public void TheOtherExamplesParse()
    {
        var quick = ExperimentPlanReader.Load(Examples("quick.yaml"));
        Assert.Equal(2, quick.Tasks.Count);
        Assert.Equal(new[] { 0 }, quick.Seeds);
        Assert.All(quick.Methods, m => Assert.True(m.Settings.Epochs <= 50));

        var sweep = ExperimentPlanReader.Load(Examples("k-sweep.yaml"));
        Assert.Equal(new int?[] { 2, 4, 6, 10, 18 }, sweep.Methods.Select(m => m.Settings.TopK));
        Assert.Equal(new[] { "piezoelectric_tensor", "jarvis_2d_exfoliation", "expt_eform" }, sweep.Tasks);

        var aggregation = ExperimentPlanReader.Load(Examples("aggregation.yaml"));
        Assert.Equal(new[] { LearningMethod.MoE, LearningMethod.Concat, LearningMethod.Ensemble, LearningMethod.PaperConcat, LearningMethod.PaperEnsemble },
            aggregation.Methods.Select(m => m.Method));
        Assert.All(aggregation.Methods, m => Assert.Equal(3, m.Settings.Extractors.Count));

        var frozen = ExperimentPlanReader.Load(Examples("frozen-normalization.yaml"));
        Assert.Equal(90, frozen.Runs().Count());
        Assert.Equal(new[] { FrozenNormalization.Source, FrozenNormalization.Adapt, FrozenNormalization.Batch },
            frozen.Methods.Take(3).Select(m => m.Settings.FrozenNormalization));
        var recipes = ExperimentPlanReader.Load(Examples("stl-recipe.yaml"));
        Assert.Equal(new[] { SingleTaskRecipe.PaperText, SingleTaskRecipe.PaperCode }, recipes.Methods.Select(m => m.Settings.StlRecipe));
        Assert.Equal(160, recipes.Runs().Count());
        var fast = ExperimentPlanReader.Load(Examples("fast-preset.yaml"));
        Assert.Equal(new[] { 1000, 1000, 1000, 200, 200, 200 }, fast.Methods.Select(m => m.Settings.Epochs));

        var seed0 = ExperimentPlanReader.Load(Examples("table3-seed0-cpu.yaml"));
        Assert.Equal(15, seed0.Tasks.Count);
        Assert.Equal(new[] { 0 }, seed0.Seeds);
        Assert.Equal(45, seed0.Runs().Count());
        Assert.All(seed0.Methods, m => Assert.Equal(40, m.Settings.Epochs));

        // MoE-19 at k = 1 and 2 go to the k = 4 runs' result file, over the same 16 tasks, so k can be chosen among them.
        var tensorNet = ExperimentPlanReader.Load(Examples("table3-tensornet.yaml"));
        var byK = ExperimentPlanReader.Load(Examples("table3-tensornet-k.yaml"));
        Assert.Equal(tensorNet.ResultPath, byK.ResultPath);
        Assert.Equal(tensorNet.Tasks, byK.Tasks);
        Assert.Equal(new int?[] { 1, 2 }, byK.Methods.Select(m => m.Settings.TopK));
        Assert.All(byK.Methods, m => Assert.Equal((GateStart.Probe, 19, "tensornet_matpes_pbe"),
            (m.Settings.GateStart, m.Settings.Extractors.Count, m.Settings.Extractors[^1])));
        Assert.Equal(160, byK.Runs().Count());
        // The k = 4 mixture and TL once more with TensorNet's last block fine-tuned.
        Assert.Equal(new[] { TensorNetLastBlock.Frozen, TensorNetLastBlock.Frozen, TensorNetLastBlock.Frozen, TensorNetLastBlock.FineTuned, TensorNetLastBlock.FineTuned },
            tensorNet.Methods.Select(m => m.Settings.TensorNetLastBlock));
        Assert.Equal((LearningMethod.MoE, 4), (tensorNet.Methods[3].Method, tensorNet.Methods[3].Settings.TopK));
    }
}
