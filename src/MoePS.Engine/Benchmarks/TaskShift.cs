using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Benchmarks;

/// <summary>How far a target task is from a reference task, in an extractor's feature space and in label space.</summary>
/// <param name="ReferenceRows">Crystals of the reference task compared (rows of its feature matrix).</param>
/// <param name="TargetRows">Crystals of the target task compared.</param>
/// <param name="Order">Highest central moment compared (K).</param>
public sealed record TaskShift(string Reference, int ReferenceRows, string Target, int TargetRows, string Extractor,
    double FeatureCMD, double LabelCMD, int Order)
{
    /// <summary>
    /// CMD between the two tasks' extractor features (rows × feature size) and between their
    /// standardised labels, both sigmoid-squashed, moments up to <paramref name="order"/>.
    /// </summary>
    public static TaskShift Measure(string reference, double[,] referenceFeatures, IReadOnlyList<double> referenceLabels,
        string target, double[,] targetFeatures, IReadOnlyList<double> targetLabels, string extractor,
        int order = CentralMomentDiscrepancy.DefaultOrder) =>
        new(reference, referenceFeatures.GetLength(0), target, targetFeatures.GetLength(0), extractor,
            CentralMomentDiscrepancy.FeatureSpace(referenceFeatures, targetFeatures, order),
            CentralMomentDiscrepancy.LabelSpace(referenceLabels, targetLabels, order),
            order);
}
