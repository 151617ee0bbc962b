using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using Xunit;

namespace MoePS.Engine.Tests.Models;

public class LearningMethodTests
{
    [Fact]
    public void EveryAggregationIsTheAggregationOfOneMixtureMethod()
    {
        foreach (var aggregation in Enum.GetValues<Aggregation>())
        {
            var method = LearningMethods.ForAggregation(aggregation);
            Assert.True(method.IsMixture());
            Assert.Equal(aggregation, method.AggregationOf());
        }
        var mixtures = Enum.GetValues<LearningMethod>().Where(m => m.IsMixture()).ToList();
        Assert.Equal(Enum.GetValues<Aggregation>().Length, mixtures.Count);
        Assert.Equal(Aggregation.Add, LearningMethod.TL.AggregationOf());
        Assert.Null(LearningMethod.STL.AggregationOf());
    }

    [Fact]
    public void ThePaperCodesFormsOfTopKAreAllExtractorsInOneWording()
    {
        Assert.Null(Aggregation.PaperConcat.TopKProblem(3, 3));
        Assert.Equal("PaperConcat uses every extractor (the paper's code has no top-k there), so TopK must be unset or 3; got 2.",
            Aggregation.PaperConcat.TopKProblem(2, 3));
        Assert.Equal("PaperEnsemble uses every extractor (the paper's code has no top-k there), so TopK must be unset; got 2.",
            Aggregation.PaperEnsemble.TopKProblem(2, extractorCount: null));
        Assert.Equal("TopK must be between 1 and the number of extractors (3); got 4.", Aggregation.Add.TopKProblem(4, 3));
        Assert.Null(Aggregation.Add.TopKProblem(2, extractorCount: null));
    }
}
