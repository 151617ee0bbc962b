namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// Which BatchNorm statistics the frozen layers of the extractors (the convolutions before the
/// fine-tuned ones) normalise with on a downstream task.
/// </summary>
public enum FrozenNormalization
{
    /// <summary>
    /// The source task's running statistics, as the extractor was saved: the frozen features are
    /// computed once, in eval mode, and cached.
    /// </summary>
    Source,

    /// <summary>
    /// Running statistics re-estimated once on the downstream training rows (no gradients, the
    /// cumulative average over the training batches, as PyTorch's momentum=None), then the frozen
    /// features are computed in eval mode and cached as with Source; the cost stays near Source's.
    /// </summary>
    Adapt,

    /// <summary>
    /// The paper's code (rees-c/MoE, main.py): the frozen layers run in train mode every step, so
    /// they normalise with each downstream batch's statistics and update their running statistics
    /// (momentum 0.1), which are saved with the best model and used at test time. Nothing can be
    /// cached past the embedding, so every step runs every convolution: slow, for faithful reproduction.
    /// </summary>
    Batch,
}
