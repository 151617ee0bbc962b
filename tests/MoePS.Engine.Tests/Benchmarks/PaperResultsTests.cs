using System.Text.Json;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using Xunit;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Tests.Benchmarks;

public class PaperResultsTests
{
    [Fact]
    public void Table3CoversThe19TasksAndMarksTheSameOnesAvailableAsTheDataIndex()
    {
        Assert.Equal(19, PaperResults.Table3.Count);
        using var index = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("tasks", "index.json")));
        var tasks = index.RootElement.GetProperty("tasks");
        foreach (var row in PaperResults.Table3)
        {
            var entry = tasks.GetProperty(row.Task);
            Assert.Equal(entry.GetProperty("available").GetBoolean(), row.DataAvailable);
            if (row.DataAvailable) Assert.Equal(entry.GetProperty("n_rows").GetInt32(), row.Rows);
        }
        Assert.Equal(16, PaperResults.Table3.Count(r => r.DataAvailable));
    }

    [Fact]
    public void LookupFollowsTheSettingsOfEachTable()
    {
        var all18 = Enumerable.Range(0, 18).Select(i => "e" + i).ToList();
        var three = new[] { "a", "b", "c" };
        Assert.Equal(0.228, PaperResults.Lookup("piezoelectric_tensor", LearningMethod.STL, null, Array.Empty<string>())!.Mean);
        Assert.Equal(0.294, PaperResults.Lookup("piezoelectric_tensor", LearningMethod.TL, null, new[] { "mp_eform" })!.Mean);
        Assert.Null(PaperResults.Lookup("piezoelectric_tensor", LearningMethod.TL, null, new[] { "mp_bandgap" }));
        Assert.Equal(0.208, PaperResults.Lookup("piezoelectric_tensor", LearningMethod.MoE, null, all18)!.Mean);
        Assert.Equal(0.216, PaperResults.Lookup("piezoelectric_tensor", LearningMethod.MoE, 4, all18)!.Mean);
        Assert.Equal(57.0, PaperResults.Lookup("jarvis_2d_exfoliation", LearningMethod.MoE, 10, all18)!.Mean);
        Assert.Equal(0.118, PaperResults.Lookup("expt_eform", LearningMethod.Ensemble, null, three)!.Mean);
        Assert.Equal(0.0870, PaperResults.Lookup("expt_eform", LearningMethod.Concat, 3, three)!.Mean);
        Assert.Equal(0.0870, PaperResults.Lookup("expt_eform", LearningMethod.PaperConcat, 3, three)!.Mean);
        Assert.Equal(51.6, PaperResults.Lookup("jarvis_2d_exfoliation", LearningMethod.PaperEnsemble, null, three)!.Mean);
        Assert.Null(PaperResults.Lookup("expt_eform", LearningMethod.PaperConcat, 18, all18));
        Assert.Equal(52.6, PaperResults.Lookup("jarvis_2d_exfoliation", LearningMethod.MoE, null, three)!.Mean);
        Assert.Null(PaperResults.Lookup("mp_phonons", LearningMethod.MoE, 4, all18));
        Assert.Null(PaperResults.Lookup("not_a_task", LearningMethod.STL, null, Array.Empty<string>()));
    }
}
