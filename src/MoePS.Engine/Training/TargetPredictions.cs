using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>Inference over dataset rows: eval mode, no gradients, in batches, one dispose scope per batch.</summary>
public static class TargetPredictions
{
    /// <summary>Normalised predictions for <paramref name="rows"/>, in their order. Leaves the target in eval mode.</summary>
    public static double[] Predict(ITrainingTarget target, int[] rows, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "At least 1.");
        var predictions = new double[rows.Length];
        Inference.InChunks(target.SetTraining, trainingAfter: false, rows, batchSize, (batch, offset) =>
        {
            var output = target.Forward(batch);
            if (output.numel() != batch.Length)
                throw new InvalidOperationException($"The model returned {output.numel()} predictions for {batch.Length} rows.");
            double[] values = output.to(ScalarType.Float64).cpu().data<double>().ToArray();
            Array.Copy(values, 0, predictions, offset, values.Length);
        });
        return predictions;
    }
}
