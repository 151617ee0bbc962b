namespace MoePS.Engine.Benchmarks;

/// <summary>How far a target task is from a reference task, in an extractor's feature space and in label space.</summary>
public sealed record TaskShift(string Reference, string Target, string Extractor, double FeatureCMD, double LabelCMD, int Order)
{
    /// <summary>
    /// CMD between the two tasks' extractor features (rows × feature size) and between their
    /// standardised labels, both sigmoid-squashed, moments up to <paramref name="order"/>.
    /// </summary>
    public static TaskShift Measure(string reference, double[,] referenceFeatures, IReadOnlyList<double> referenceLabels,
        string target, double[,] targetFeatures, IReadOnlyList<double> targetLabels, string extractor,
        int order = CentralMomentDiscrepancy.DefaultOrder) =>
        new(reference, target, extractor,
            CentralMomentDiscrepancy.FeatureSpace(referenceFeatures, targetFeatures, order),
            CentralMomentDiscrepancy.LabelSpace(referenceLabels, targetLabels, order),
            order);
}
