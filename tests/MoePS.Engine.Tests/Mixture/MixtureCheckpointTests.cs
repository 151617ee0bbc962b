using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Tests.Models;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>A checkpoint resumes only the run that wrote it: the model's shape is part of its identity, not just the recipe.</summary>
public sealed class MixtureCheckpointTests : IClassFixture<MixtureFixture>, IDisposable
{
    static readonly TrainingOptions OneEpoch = new() { Epochs = 1, Patience = 1, Seed = 0 };
    readonly MixtureFixture f;
    readonly TempFolder folder = new();

    public MixtureCheckpointTests(MixtureFixture fixture) => f = fixture;

    string Checkpoint => folder.File("run.ckpt");

    MixtureModel Train(IReadOnlyList<Extractor> extractors, MixtureOptions options, bool resume, CrystalDataset? dataset = null) =>
        MixtureTraining.Train(new MixtureModel(extractors, options), dataset ?? f.Dataset,
            OneEpoch with { CheckpointPath = Checkpoint, Resume = resume }, f.Cpu);

    [Fact]
    public void ResumesTheSameMixture()
    {
        Train(f.Extractors, new MixtureOptions { TopK = 4 }, resume: false);
        Assert.Equal(1, Train(f.Extractors, new MixtureOptions { TopK = 4 }, resume: true).Training!.ResumedFromEpoch);
    }

    [Fact]
    public void RefusesToResumeWithAnotherTopK()
    {
        Train(f.Extractors, new MixtureOptions { TopK = 4 }, resume: false);
        var e = Assert.Throws<InvalidOperationException>(() => Train(f.Extractors, new MixtureOptions { TopK = 3 }, resume: true));
        Assert.Contains("TopK 4 → 3", e.Message);
        Assert.Contains(Checkpoint, e.Message);
    }

    [Fact]
    public void RefusesToResumeWithTheExtractorsInAnotherOrder()
    {
        Train(f.Extractors, new MixtureOptions { TopK = 2 }, resume: false);
        var reordered = Enumerable.Reverse(f.Extractors).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => Train(reordered, new MixtureOptions { TopK = 2 }, resume: true));
        Assert.Contains($"Extractors {string.Join(", ", f.Extractors.Select(x => x.Name))} → {string.Join(", ", reordered.Select(x => x.Name))}",
            e.Message);
    }

    [Fact]
    public void RefusesToResumeOnTheSameRowsWithOneAtomMovedInATrainingStructure()
    {
        Train(f.Extractors, new MixtureOptions { TopK = 2 }, resume: false);
        int row = f.Dataset.Split!.Train[0];
        var moved = f.Dataset.Entries.Select((e, i) => i == row ? new CrystalEntry(MoveFirstAtom(e.Crystal), e.Target, e.Extras) : e).ToList();
        var edited = new CrystalDataset(f.Dataset.Name, f.Dataset.TargetName, f.Dataset.Unit, moved).WithSplit(f.Dataset.Split);
        var e = Assert.Throws<InvalidOperationException>(() => Train(f.Extractors, new MixtureOptions { TopK = 2 }, resume: true, edited));
        Assert.Contains("TrainStructures ", e.Message);
        Assert.DoesNotContain("Targets", e.Message);
        Assert.DoesNotContain("Split ", e.Message);
    }

    static Crystal MoveFirstAtom(Crystal c)
    {
        var first = c.Sites[0];
        double[] fractional = { first.Fractional[0] + 0.01, first.Fractional[1], first.Fractional[2] };
        var sites = c.Sites.Skip(1).Prepend(new Site(first.Element, fractional, c.Lattice.ToCartesian(fractional), first.Label)).ToList();
        return new Crystal(c.Id, c.Lattice, sites, c.Properties, c.Source);
    }

    [Fact]
    public void RefusesToResumeASingleTaskCheckpointAsAMixture()
    {
        using var cache = new TempFolder();
        using var stl = ExtractorPretraining.Train(f.Dataset, OneEpoch with { CheckpointPath = Checkpoint }, device: f.Cpu,
            elements: ElementFeatures.Load(TestData.PathOf(ElementFeatures.DefaultFileName)), graphCache: new GraphCache(cache.Path));
        var e = Assert.Throws<InvalidOperationException>(() => Train(f.Extractors, new MixtureOptions { TopK = 2 }, resume: true));
        Assert.Contains("Model CGCNN (STL) → mixture (TL/MoE)", e.Message);
    }

    public void Dispose() => folder.Dispose();
}
