using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Models;
using Xunit;

namespace MoePS.Engine.Tests.Crystals;

[Collection(EnvironmentCollection.Name)]
public class MissingDataFolderTests
{
    [Fact]
    public void APaperTaskWithoutADataFolderNamesTheVariableAndWhatTheFolderHolds()
    {
        using var cache = new TempFolder();
        string nowhere = Path.Combine(cache.Path, "no-such-folder");
        foreach (var (dataPath, why) in new[]
        {
            ("", "$MOEPS_DATA_PATH is not set"),
            (nowhere, $"$MOEPS_DATA_PATH is '{nowhere}', which names no existing folder"),
        })
        {
            using var env = new EnvironmentScope()
                .Set(DataLocations.DataPathVariable, dataPath)
                .Set(DataLocations.CachePathVariable, cache.Path);
            var e = Assert.Throws<ArgumentException>(() => NamedDatasets.Read("expt_eform"));
            Assert.StartsWith(
                "Unknown dataset 'expt_eform'. Known here: matbench_dielectric, matbench_expt_gap, ", e.Message, StringComparison.Ordinal);
            Assert.Contains(
                $"No data folder is configured: {why}. The paper's tasks (expt_eform, jarvis_2d_exfoliation, ...) cannot be downloaded; " +
                "set $MOEPS_DATA_PATH to a folder that holds tasks/<key>.json.gz (the paper's task files, with tasks/index.json " +
                "for their target names and units) and splits/seed0.json ... seed4.json (the paper's splits).",
                e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithADataFolderAMissingTaskDoesNotBlameTheConfiguration()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        using var env = new EnvironmentScope()
            .Set(DataLocations.DataPathVariable, data.Path)
            .Set(DataLocations.CachePathVariable, cache.Path);
        var e = Assert.Throws<ArgumentException>(() => NamedDatasets.Read("expt_eform"));
        Assert.Contains("The paper's task keys are found as tasks/<key>.json.gz under $MOEPS_DATA_PATH.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No data folder is configured", e.Message, StringComparison.Ordinal);
    }
}
