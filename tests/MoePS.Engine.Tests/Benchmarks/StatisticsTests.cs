using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

public class StatisticsTests
{
    [Fact]
    public void MeanAndSampleStandardDeviationMatchHandValues()
    {
        double[] v = { 1, 2, 3, 4 };
        Assert.Equal(2.5, Statistics.Mean(v), 12);
        // Σ(x − 2.5)² = 5, divided by n − 1 = 3.
        Assert.Equal(Math.Sqrt(5.0 / 3.0), Statistics.SampleStandardDeviation(v)!.Value, 12);
        Assert.Null(Statistics.SampleStandardDeviation(new[] { 7.0 }));
        Assert.Throws<ArgumentException>(() => Statistics.Mean(Array.Empty<double>()));
    }

    [Fact]
    public void ImprovementIsRelativeToTheBaselineInPercent()
    {
        Assert.Equal(20.0, Statistics.ImprovementPercent(0.8, 1.0), 12);
        Assert.Equal(-50.0, Statistics.ImprovementPercent(1.5, 1.0), 12);
    }

    [Fact]
    public void LinearFitRecoversAnExactLine()
    {
        var (a, b) = Statistics.LinearFit(new double[] { 2, 3, 4 }, new double[] { 7, 10, 13 });
        Assert.Equal(1.0, a, 12);
        Assert.Equal(3.0, b, 12);
    }

    [Theory]
    [InlineData(0.114, 0.006, "0.114 ± 0.006")]
    [InlineData(62.0, 13.6, "62.0 ± 13.6")]
    [InlineData(0.0908, 0.0142, "0.0908 ± 0.0142")]
    [InlineData(3.69, 2.82, "3.69 ± 2.82")]
    public void MeanStdIsFormattedLikeThePaper(double mean, double std, string expected) =>
        Assert.Equal(expected, MeanStdFormat.Format(mean, std));

    [Fact]
    public void SummaryAveragesSeedsAndComparesWithStlAndThePaper()
    {
        var summaries = BenchmarkStatistics.Summarise(BenchmarkFixtures.TwoTasks());

        Assert.Equal(6, summaries.Count);
        // Table 3 order: jarvis_2d_gap_tbmbj (row 7) before mp_poisson_ratio (row 11).
        Assert.Equal(new[] { "jarvis_2d_gap_tbmbj", "jarvis_2d_gap_tbmbj", "jarvis_2d_gap_tbmbj", "mp_poisson_ratio", "mp_poisson_ratio", "mp_poisson_ratio" },
            summaries.Select(s => s.Task));
        Assert.Equal(new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE }, summaries.Take(3).Select(s => s.Method));

        var stl = summaries[0];
        Assert.Equal(2, stl.Seeds);
        Assert.Equal(1.30, stl.MeanTestMAE, 12);
        Assert.Equal(Math.Sqrt(0.02), stl.StdTestMAE!.Value, 12); // (0.1² + 0.1²) / 1
        Assert.Equal(0.0, stl.ImprovementOverSTL!.Value, 12);
        Assert.Equal(1.31, stl.PaperMAE);
        Assert.Equal(0.29, stl.PaperStd);
        Assert.Equal("Table 3", stl.PaperSource);
        Assert.Equal(1.30 / 1.31, stl.RatioToPaper!.Value, 12);

        var tl = summaries[1];
        Assert.Equal(1.60, tl.MeanTestMAE, 12);
        Assert.Equal((1.30 - 1.60) / 1.30 * 100, tl.ImprovementOverSTL!.Value, 9);
        Assert.Equal(1.77, tl.PaperMAE);

        var moe = summaries[2];
        Assert.Equal(1.05, moe.MeanTestMAE, 12);
        Assert.True(moe.IsBest);
        Assert.False(stl.IsBest || tl.IsBest);
        Assert.Equal(2, moe.TopK);
        Assert.Equal(4, moe.ExtractorCount);
        Assert.Null(moe.PaperMAE); // the paper has no 4-extractor top-2 mixture
        Assert.Null(moe.DifferenceInPaperStds);
        Assert.Equal("1.05 ± 0.07", moe.TestMAE);
    }

    [Fact]
    public void PairedComparisonsUseOnlyTheSeedsBothRan()
    {
        // TEST FIXTURES, made by hand: MoE-18 ran seeds 0, 1 and 3; STL and TL ran 0, 1 and 2.
        string all18 = string.Join(",", Enumerable.Range(0, 18).Select(i => "e" + i));
        var results = new[]
        {
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.STL, 0, 1.40),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.STL, 1, 1.20),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.STL, 2, 1.30),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.TL, 0, 1.70, extractors: "mp_eform"),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.TL, 1, 1.50, extractors: "mp_eform"),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.TL, 2, 1.10, extractors: "mp_eform"),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 0, 1.10, extractors: all18),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 1, 1.30, extractors: all18),
            BenchmarkFixtures.Run("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 3, 0.90, extractors: all18),
        };
        var summaries = BenchmarkStatistics.Summarise(results);
        var (stl, tl, moe) = (summaries[0], summaries[1], summaries[2]);

        // Beside the paper's Table 3 (STL 1.31 ± 0.29, TL 1.77 ± 0.38, MoE-18 1.19 ± 0.26), in its std.
        Assert.Equal((1.30 - 1.31) / 0.29, stl.DifferenceInPaperStds!.Value, 12);
        Assert.Equal((1.1 - 1.19) / 0.26, moe.DifferenceInPaperStds!.Value, 12);
        Assert.Equal(((1.70 + 1.50 + 1.10) / 3 - 1.77) / 0.38, tl.DifferenceInPaperStds!.Value, 12);

        // MoE against STL and TL on seeds 0 and 1 only: (−0.30, +0.10) and (−0.60, −0.20).
        Assert.Equal((-0.10, 1, 2), (Math.Round(moe.PairedDifferenceToSTL!.Value, 12), moe.SeedsBetterThanSTL, moe.PairedSeedsWithSTL));
        Assert.Equal((-0.40, 2, 2), (Math.Round(moe.PairedDifferenceToTL!.Value, 12), moe.SeedsBetterThanTL, moe.PairedSeedsWithTL));
        Assert.Equal("-0.10 (1/2 better)", moe.VersusSTL);
        Assert.Equal("-0.40 (2/2 better)", moe.VersusTL);
        // TL against STL on seeds 0, 1, 2: (+0.30, +0.30, −0.20); TL is not compared with itself, STL with nothing.
        Assert.Equal(0.4 / 3, tl.PairedDifferenceToSTL!.Value, 12);
        Assert.Equal("+0.13 (1/3 better)", tl.VersusSTL);
        Assert.Null(tl.VersusTL);
        Assert.Null(stl.VersusSTL);
        Assert.Null(stl.PairedSeedsWithTL);
    }

    [Fact]
    public void ARepeatedSeedCountsOnceWithTheLaterResult()
    {
        var runs = new[]
        {
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 3.0),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 1, 5.0),
        };
        var s = Assert.Single(BenchmarkStatistics.Summarise(runs));
        Assert.Equal(2, s.Seeds);
        Assert.Equal(4.0, s.MeanTestMAE, 12);
        Assert.Null(s.PaperMAE);
    }

    [Fact]
    public void ASummarysRunsAreOnePerSeedTheLaterByAndInSeedOrder()
    {
        var runs = new[]
        {
            BenchmarkFixtures.Run("t", LearningMethod.STL, 1, 5.0),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 3.0),
            BenchmarkFixtures.Run("t", LearningMethod.TL, 0, 9.0),
        };
        var stl = BenchmarkStatistics.Summarise(runs).Single(s => s.Method == LearningMethod.STL);
        var kept = BenchmarkStatistics.RunsOf(runs, stl);
        Assert.Equal(new[] { 0, 1 }, kept.Select(r => r.Seed));
        Assert.Equal(new[] { 3.0, 5.0 }, kept.Select(r => r.TestMAE));
    }

    [Fact]
    public void DifferentSettingsAreSummarisedSeparately()
    {
        var runs = new[]
        {
            BenchmarkFixtures.Run("expt_eform", LearningMethod.MoE, 0, 0.09, topK: 2, extractors: string.Join(",", Enumerable.Range(0, 18).Select(i => "e" + i)), hash: "k2"),
            BenchmarkFixtures.Run("expt_eform", LearningMethod.MoE, 0, 0.08, topK: 18, extractors: string.Join(",", Enumerable.Range(0, 18).Select(i => "e" + i)), hash: "k18"),
        };
        var s = BenchmarkStatistics.Summarise(runs);
        Assert.Equal(2, s.Count);
        Assert.Equal("Table 4 (k=2)", s[0].PaperSource);
        Assert.Equal(0.0897, s[0].PaperMAE);
        Assert.Equal("Table 3", s[1].PaperSource);
        Assert.Equal(0.0908, s[1].PaperMAE);
    }

    [Fact]
    public void BaselinesAreTheRunsWithTheClosestSettings()
    {
        // TEST FIXTURES, made by hand: STL with the paper's recipe, the paper code's recipe and the Fast preset;
        // TL with the recipe; MoE with the Fast preset and with adapted frozen statistics.
        const string fast = "epochs=200; patience=50";
        var results = new[]
        {
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0, hash: "stl"),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 2.0, hash: "stl-code", settings: "stlRecipe=PaperCode"),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 4.0, hash: "stl-fast", settings: fast),
            BenchmarkFixtures.Run("t", LearningMethod.TL, 0, 0.5, hash: "tl", extractors: "mp_eform"),
            BenchmarkFixtures.Run("t", LearningMethod.MoE, 0, 3.0, hash: "moe-fast", settings: fast, extractors: "a,b"),
            BenchmarkFixtures.Run("t", LearningMethod.MoE, 0, 0.75, hash: "moe-adapt", settings: "frozenNormalization=Adapt", extractors: "a,b"),
        };
        var byHash = BenchmarkStatistics.Summarise(results).ToDictionary(s => s.ConfigHash);

        Assert.Equal(-1.0, byHash["moe-fast"].PairedDifferenceToSTL!.Value, 12); // against Fast STL (4.0), not the recipe's (1.0)
        Assert.Equal(-0.25, byHash["moe-adapt"].PairedDifferenceToSTL!.Value, 12); // against the recipe's STL, not Fast or PaperCode
        Assert.Equal(0.25, byHash["moe-adapt"].PairedDifferenceToTL!.Value, 12);
        Assert.Equal(fast, byHash["moe-fast"].Settings);
        Assert.Equal("", byHash["stl"].Settings);
        Assert.Equal(fast, byHash["moe-fast"].Recipe);
        Assert.Equal("", byHash["moe-adapt"].Recipe); // the normalisation is not part of the recipe every method shares
    }

    [Fact]
    public void TransferSourcesExtractorListsAndGateStartsAreToldApart()
    {
        // TEST FIXTURES, made by hand, shaped as examples/table3-fast.yaml and table3-tensornet.yaml write them (Fast preset):
        // STL, TL from mp_eform and MoE-18 with the paper's gate; TL from TensorNet (on three seeds, one more than TL from
        // mp_eform), MoE over the 18 and TensorNet with k = 19, and with k = 4 probe-started; MoE-18 k = 4 probe-started; TL
        // from TensorNet and MoE-19 k = 4 with TensorNet's last block fine-tuned.
        const string fast = "epochs=200; patience=50";
        string all18 = string.Join(",", Enumerable.Range(0, 18).Select(i => "e" + i));
        string nineteen = all18 + ",tensornet_matpes_pbe";
        string task = "expt_eform";
        var results = new List<BenchmarkResult>();
        void Add(LearningMethod method, string hash, string settings, string extractors, int? topK, params double[] maes)
        {
            for (int seed = 0; seed < maes.Length; seed++)
                results.Add(BenchmarkFixtures.Run(task, method, seed, maes[seed], topK: topK, extractors: extractors, hash: hash, settings: settings));
        }
        Add(LearningMethod.STL, "stl", fast, "", null, 0.12, 0.11);
        Add(LearningMethod.TL, "tl", fast, "mp_eform", null, 0.10, 0.10);
        Add(LearningMethod.TL, "tl-tn", fast + "; transferFrom=tensornet_matpes_pbe", "tensornet_matpes_pbe", null, 0.08, 0.11, 0.09);
        Add(LearningMethod.MoE, "moe18", fast, all18, 18, 0.09, 0.09);
        Add(LearningMethod.MoE, "moe19", fast + "; extractors=" + nineteen, nineteen, 19, 0.07, 0.095);
        Add(LearningMethod.MoE, "moe19-k4", fast + "; topK=4; extractors=" + nineteen + "; gateStart=Probe", nineteen, 4, 0.085, 0.08);
        Add(LearningMethod.MoE, "moe18-k4", fast + "; topK=4; gateStart=Probe", all18, 4, 0.095, 0.085);
        Add(LearningMethod.TL, "tl-tn-ft", fast + "; transferFrom=tensornet_matpes_pbe; tensorNetLastBlock=FineTuned", "tensornet_matpes_pbe", null, 0.07, 0.08);
        Add(LearningMethod.MoE, "moe19-k4-ft", fast + "; topK=4; extractors=" + nineteen + "; gateStart=Probe; tensorNetLastBlock=FineTuned", nineteen, 4, 0.07, 0.07);

        var byHash = BenchmarkStatistics.Summarise(results).ToDictionary(s => s.ConfigHash);

        Assert.Equal("STL", byHash["stl"].Variant);
        Assert.Equal("TL from mp_eform", byHash["tl"].Variant);
        Assert.Equal("TL from tensornet_matpes_pbe", byHash["tl-tn"].Variant);
        Assert.Equal("tensornet_matpes_pbe", byHash["tl-tn"].Extractors);
        Assert.Equal("MoE-18", byHash["moe18"].Variant);
        Assert.Equal("MoE-19", byHash["moe19"].Variant);
        Assert.Equal(nineteen, byHash["moe19"].Extractors);
        Assert.Equal("MoE-19 (k=4, gateStart=Probe)", byHash["moe19-k4"].Variant);
        Assert.Equal("MoE-18 (k=4, gateStart=Probe)", byHash["moe18-k4"].Variant);
        Assert.Equal("TL from tensornet_matpes_pbe (tensorNetLastBlock=FineTuned)", byHash["tl-tn-ft"].Variant);
        Assert.Equal("MoE-19 (k=4, gateStart=Probe, tensorNetLastBlock=FineTuned)", byHash["moe19-k4-ft"].Variant);
        Assert.Equal(GateStart.Ones, byHash["moe19"].GateStart);
        Assert.Equal(GateStart.Probe, byHash["moe19-k4"].GateStart);
        Assert.Null(byHash["tl"].GateStart);

        // The paper's values: TL only from mp_eform, MoE only over 18 with its gate (no Table 4 value for a probe-started k = 4).
        Assert.Equal(0.102, byHash["tl"].PaperMAE);
        Assert.Null(byHash["tl-tn"].PaperMAE);
        Assert.Equal(0.0908, byHash["moe18"].PaperMAE);
        Assert.Null(byHash["moe19"].PaperMAE);
        Assert.Null(byHash["moe18-k4"].PaperMAE);

        // Every mixture's TL baseline is TL from mp_eform (its settings are closer), though TL from TensorNet has more seeds.
        Assert.Equal((-0.0175, 2, 2), (Math.Round(byHash["moe19"].PairedDifferenceToTL!.Value, 12), byHash["moe19"].SeedsBetterThanTL, byHash["moe19"].PairedSeedsWithTL));
        Assert.Equal(2, byHash["moe19-k4"].SeedsBetterThanTL);

        // Any two run sets compared seed by seed over the seeds both ran.
        var tnVersusTl = BenchmarkStatistics.Compare(results, byHash["tl-tn"], byHash["tl"])!;
        Assert.Equal((-0.005, 1, 2), (Math.Round(tnVersusTl.MeanDifference, 12), tnVersusTl.Better, tnVersusTl.Seeds));
        var moe19VersusMoe18 = BenchmarkStatistics.Compare(results, byHash["moe19"], byHash["moe18"])!;
        Assert.Equal((-0.0075, 1, 2), (Math.Round(moe19VersusMoe18.MeanDifference, 12), moe19VersusMoe18.Better, moe19VersusMoe18.Seeds));
        var other = byHash["tl"] with { ConfigHash = "not-in-the-results" };
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.Compare(results, byHash["tl-tn"], other));
    }

    [Theory]
    [InlineData("epochs=200; patience=50; topK=4; gateStart=Probe", GateStart.Probe)]
    [InlineData("epochs=200; patience=50", GateStart.Ones)]
    [InlineData("", GateStart.Ones)]
    [InlineData("topK=2; gateStart=probe", GateStart.Probe)]
    [InlineData("gateStart=Sideways", null)]
    public void TheGateStartIsReadFromASettingsText(string settings, GateStart? expected) =>
        Assert.Equal(expected, BenchmarkHyperparameters.GateStartOf(settings));

    [Fact]
    public void SettingsNameWhatDiffersFromThePapersRecipe()
    {
        var recipe = new BenchmarkHyperparameters();
        Assert.Equal("", recipe.Describe(LearningMethod.MoE));
        Assert.Equal("epochs=200; patience=50", recipe.With(TrainingPreset.Fast).Describe(LearningMethod.STL));
        var adapt = recipe with { FrozenNormalization = FrozenNormalization.Adapt, TopK = 4 };
        Assert.Equal("topK=4; frozenNormalization=Adapt", adapt.Describe(LearningMethod.MoE));
        Assert.Equal("frozenNormalization=Adapt", adapt.Describe(LearningMethod.TL));
        Assert.Equal("", adapt.Describe(LearningMethod.STL)); // STL has no frozen layers and no gate
        Assert.Equal("stlRecipe=PaperCode", (recipe with { StlRecipe = SingleTaskRecipe.PaperCode }).Describe(LearningMethod.STL));
    }

    [Fact]
    public void APlanNamesTheSettingsOfResultsWrittenWithoutThem()
    {
        var plan = ExperimentPlanReader.Parse("""
            tasks: [t]
            methods: [STL, { method: STL, preset: fast }]
            """);
        var fast = plan.Runs().Single(r => r.SettingsText.Length > 0);
        var results = new[]
        {
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0, hash: fast.ConfigHash),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0, hash: "not-in-the-plan"),
            BenchmarkFixtures.Run("t", LearningMethod.STL, 0, 1.0, hash: fast.ConfigHash, settings: "written by the run"),
        };
        var labelled = plan.Label(results).Select(r => r.Settings).ToArray();
        Assert.Equal(new[] { "epochs=200; patience=50", "", "written by the run" }, labelled);
        Assert.Equal("", results[0].Settings); // the originals are left as they were
    }
}
