using MoePS.Engine.Cluster;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class SlurmJobSpecTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-jobspec-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void ASpecSavedThroughTheSharedBaseKeepsEveryFieldOfItsKind()
    {
        var spec = new PredictionArraySpec(new[] { "/m/a.moem" }, new[] { new[] { "/s/1.cif", "/s/2.cif" }, new[] { "/s/3.cif" } },
            "cuda:1", "/o/out.csv", "/o/out.shards", Force: true);
        string path = Path.Combine(root, "p.spec.json");
        spec.Save(path);

        var back = PredictionArraySpec.Load(path);
        Assert.Equal("cuda:1", back.Device);
        Assert.Equal(spec.ModelPaths, back.ModelPaths);
        Assert.Equal(spec.Shards.SelectMany(s => s), back.Shards.SelectMany(s => s));
        Assert.Equal((spec.OutputPath, spec.ShardFolder, spec.Force), (back.OutputPath, back.ShardFolder, back.Force));
    }

    [Theory]
    [InlineData("prediction")]
    [InlineData("pre-training")]
    public void AFileThatIsNotASpecIsAnErrorNamingItAndTheKindOfJob(string kind)
    {
        string path = Path.Combine(root, "bad.json");
        File.WriteAllText(path, "null");
        var e = Assert.Throws<SlurmException>(() => kind == "prediction" ? PredictionArraySpec.Load(path) : (object)PretrainArraySpec.Load(path));
        Assert.Contains($"{path} is not a MoePS {kind} job spec", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnArrayTaskBeyondWhatTheSpecListsIsAnErrorNamingTheSpec()
    {
        Assert.Equal("b", SlurmArrayTask.ItemOf(new[] { "a", "b" }, 1, "/j/spec.json", "shard"));
        var e = Assert.Throws<SlurmException>(() => SlurmArrayTask.ItemOf(new[] { "a", "b" }, 2, "/j/spec.json", "shard"));
        Assert.Equal("Array task 2 has no shard: /j/spec.json lists 2.", e.Message);
    }
}
