using System.Globalization;
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

    [Fact]
    public void MomaReferenceNumbersAreTheOnesReadmeCites()
    {
        // README's accuracy table has a "MoMa (Full)" column, last, with a value or "–" per task: the engine's must be the same.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "MoePS.sln"))) dir = dir.Parent;
        var lines = File.ReadAllLines(Path.Combine(dir.FullName, "README.md"));
        int header = Array.FindIndex(lines, l => l.StartsWith("| task |", StringComparison.Ordinal) && l.TrimEnd().EndsWith("| MoMa (Full) |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README has no table whose last column is MoMa (Full)");
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();

        Assert.Equal(PaperResults.Table3.Where(r => r.DataAvailable).Select(r => r.Task).Order(), rows.Select(r => r[0]).Order());
        foreach (var row in rows)
        {
            double? cited = row[^1] == "–" ? null : double.Parse(row[^1], CultureInfo.InvariantCulture);
            Assert.True(cited == MomaResults.FullFor(row[0]), $"{row[0]}: README cites {row[^1]}, the engine {MomaResults.FullFor(row[0])}");
        }
        Assert.Equal(14, rows.Count(r => r[^1] != "–"));
        // 17 of Table 3's 19 tasks: all but the two 2D TBmBJ ones.
        Assert.Equal(PaperResults.Table3.Select(r => r.Task).Except(new[] { "jarvis_2d_gap_tbmbj", "jarvis_2d_dielectric_tbmbj" }).Order(),
            MomaResults.Full.Keys.Order());
    }
}
