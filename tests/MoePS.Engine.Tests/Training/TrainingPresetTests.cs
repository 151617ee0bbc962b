using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class TrainingPresetTests
{
    static readonly TrainingOptions Custom = new() { Epochs = 7, Patience = 3, LearningRate = 0.05, Seed = 4, BatchSize = 16 };

    [Fact]
    public void PaperIsThePapersProtocolAndFastAShorterBudget()
    {
        Assert.Equal(Custom with { Epochs = 1000, Patience = 500 }, Custom.With(TrainingPreset.Paper));
        Assert.Equal(Custom with { Epochs = 200, Patience = 50 }, Custom.With(TrainingPreset.Fast));
        // The defaults are the paper's protocol.
        Assert.Equal(new TrainingOptions(), new TrainingOptions().With(TrainingPreset.Paper));
        Assert.Throws<ArgumentOutOfRangeException>(() => Custom.With((TrainingPreset)99));
    }
}
