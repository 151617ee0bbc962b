namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// What a mixture (or TL) does with the last block of its experts that have one to fine-tune (<see cref="Experts.ITunableExpert"/>:
/// TensorNet's last interaction block).
/// </summary>
public enum TensorNetLastBlock
{
    /// <summary>Frozen: the potential's own crystal features, cached on disk, through the expert's adapter.</summary>
    Frozen,

    /// <summary>
    /// Fine-tuned, with <c>out_norm</c> and <c>linear</c>, at the mixture's fine-tuning rate, as the paper fine-tunes a CGCNN
    /// extractor's last convolution. Measured to pay on tasks of 522–941 rows and not on 120-row ones (README, "Fine-tuning
    /// TensorNet's last interaction block"); each step then runs the block forward and backward over the batch's pairs.
    /// </summary>
    FineTuned,
}
