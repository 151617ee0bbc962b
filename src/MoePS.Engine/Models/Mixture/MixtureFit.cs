using MoePS.Engine.Training;

namespace MoePS.Engine.Models.Mixture;

/// <summary>What a mixture knows of the task it was trained on, besides its weights; copies and saved files keep it.</summary>
internal sealed record MixtureFit(Normaliser Normaliser, string PropertyName, string? Unit, string? DatasetName, bool IsTrained, TrainingResult? Training)
{
    public static MixtureFit Untrained { get; } = new(Normaliser.Identity, "(untrained)", null, null, false, null);
}
