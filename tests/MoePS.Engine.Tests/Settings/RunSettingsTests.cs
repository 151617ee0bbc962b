using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Settings;
using MoePS.Engine.Tests.Mixture;
using MoePS.Engine.Tests.Training;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Settings;

/// <summary>
/// Walks <see cref="RunSettings.All"/>, so that a setting cannot be half-added: each is a property of the records that hold
/// it with its declared default, and a plan that changes it gets another run key, another settings text and another
/// checkpoint identity. (Help.Tests.ps1 checks that the cmdlets have a documented parameter for each.)
/// </summary>
public class RunSettingsTests : IClassFixture<MixtureFixture>, IClassFixture<TensorNetExpertFixture>
{
    /// <summary>A value other than the default for every setting, as a plan writes it.</summary>
    static readonly Dictionary<string, string> Changed = new()
    {
        ["epochs"] = "7",
        ["patience"] = "3",
        ["batchSize"] = "16",
        ["learningRate"] = "0.002",
        ["stlRecipe"] = "paper-code",
        ["fineTuneLearningRate"] = "0.001",
        ["transferFrom"] = "mp_bandgap",
        ["topK"] = "2",
        ["aggregation"] = "Concat",
        ["extractors"] = "[mp_eform, mp_bandgap]",
        ["gateRegularization"] = "0.1",
        ["frozenNormalization"] = "Adapt",
        ["headLayers"] = "2",
        ["hiddenSize"] = "16",
        ["fineTuneLayers"] = "2",
        ["gateStart"] = "probe",
        ["tensorNetLastBlock"] = "fineTuned",
    };

    /// <summary>What a setting's plain and changed runs both need beside it: a TensorNet block is fine-tuned in TL from TensorNet.</summary>
    static readonly Dictionary<string, string> Context = new()
    {
        ["tensorNetLastBlock"] = ", transferFrom: tensornet_matpes_pbe",
    };

    /// <summary>The extractors every mixture of these tests is made of, unless a setting lists others.</summary>
    const string Extractors = "[mp_eform, mp_bandgap, jarvis_eform]";

    readonly MixtureFixture f;
    readonly IReadOnlyList<IExpert> experts;

    public RunSettingsTests(MixtureFixture fixture, TensorNetExpertFixture tensorNet)
    {
        f = fixture;
        experts = f.Extractors.Append<IExpert>(tensorNet.Expert).ToList();
    }

    public static TheoryData<string> Keys() => new(RunSettings.All.Select(s => s.YamlKey));

    [Fact]
    public void EveryDeclaredSettingHasAChangedValueHere() =>
        Assert.Equal(RunSettings.All.Select(s => s.YamlKey).Order(), Changed.Keys.Order());

    [Fact]
    public void TheRecordsHoldExactlyTheDeclaredSettingsWithTheirDefaults()
    {
        AssertHolds(new BenchmarkHyperparameters(), RunSettings.All);
        AssertHolds(new MixtureOptions(), RunSettings.All.Where(s => s.Sets<MixtureOptions>()).ToList());
        foreach (var s in RunSettings.All.Where(s => s.Sets<TrainingOptions>()))
            Assert.Equal(s.DefaultValue, typeof(TrainingOptions).GetProperty(s.Name)!.GetValue(new TrainingOptions()));
    }

    static void AssertHolds<TRecord>(TRecord defaults, IReadOnlyList<RunSetting> settings)
    {
        var properties = typeof(TRecord).GetProperties().Where(p => p.CanWrite).ToList();
        Assert.Equal(settings.Select(s => s.Name).Order(), properties.Select(p => p.Name).Order());
        foreach (var s in settings)
        {
            var property = properties.Single(p => p.Name == s.Name);
            Assert.Equal(s.ValueType, property.PropertyType);
            Assert.Equal(s.DefaultValue, property.GetValue(defaults));
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ChangingASettingChangesItsRunsKeySettingsTextAndIdentity(string key)
    {
        var setting = RunSettings.ForYamlKey(key)!;
        var method = new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE }.First(m => setting.Scope.Covers(m));
        string context = Context.GetValueOrDefault(key, "");
        var plain = Run(method, context);
        var changed = Run(method, $"{context}, {key}: {Changed[key]}");

        Assert.NotEqual(setting.KeyText(plain.Settings), setting.KeyText(changed.Settings));
        Assert.NotEqual(plain.ConfigHash, changed.ConfigHash);
        // A mixture's aggregation is named by its method (MoE with Concat is reported as Concat), the others by the text.
        Assert.True(plain.SettingsText != changed.SettingsText || plain.Method != changed.Method);
        Assert.NotEmpty(IdentityOf(changed).DifferencesFrom(IdentityOf(plain)));
    }

    [Fact]
    public void SettingsAddedAfterResultFilesExistedKeepTheDefaultKeys()
    {
        var plan = ExperimentPlanReader.Parse($"tasks: [a]\nmethods: [STL, TL, MoE]\nhyperparameters: {{ extractors: {Extractors} }}");
        foreach (var run in plan.Runs())
            Assert.All(RunSettings.All.Where(s => !s.KeyedAtDefault),
                s => Assert.DoesNotContain(run.Settings.RelevantTo(run.Method), p => p.Key == s.YamlKey));
    }

    static PlannedRun Run(LearningMethod method, string setting) =>
        ExperimentPlanReader.Parse($"tasks: [a]\nmethods: [{{ method: {method}{setting} }}]\nhyperparameters: {{ extractors: {Extractors} }}")
            .Runs().Single();

    /// <summary>The checkpoint identity the run's training would have: its target's (STL's recipe alone), its recipe, split and normaliser.</summary>
    RunIdentity IdentityOf(PlannedRun run)
    {
        var options = BenchmarkTrainer.Options(run);
        if (run.Method == LearningMethod.STL)
        {
            using var scalar = new ScalarTarget(0);
            return IdentityOf(scalar, options);
        }
        var (names, mixtureOptions) = BenchmarkTrainer.MixtureShape(run);
        using var model = new MixtureModel(names.Select(n => experts.Single(e => e.Name == n)).ToList(), mixtureOptions);
        using var target = new MixtureTrainingTarget(model, f.InputsOf(Enumerable.Range(0, 5)), f.Cpu);
        return IdentityOf(target, options);
    }

    RunIdentity IdentityOf(ITrainingTarget target, TrainingOptions options) =>
        RunIdentity.Of(target, options, target.ParameterGroups(options.LearningRate).Select(g => g.LearningRate).ToList(),
            f.Dataset.Split!, Normaliser.Identity, f.Dataset.Entries.Select(e => e.Target).ToList(), f.Crystals);
}
