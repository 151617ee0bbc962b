using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Inference over many rows: eval mode (BatchNorm uses and keeps its running statistics), no
/// gradients, rows in chunks with one dispose scope each, then the training mode set back.
/// </summary>
public static class Inference
{
    /// <summary>Runs <paramref name="perChunk"/> with <paramref name="module"/> in eval mode; its training mode is restored afterwards.</summary>
    /// <inheritdoc cref="InChunks{T}(Action{bool}, bool, T[], int, Action{T[], int})" path="/param"/>
    public static void InChunks<T>(nn.Module module, T[] rows, int chunkSize, Action<T[], int> perChunk)
    {
        ArgumentNullException.ThrowIfNull(module);
        InChunks(module.train, module.training, rows, chunkSize, perChunk);
    }

    /// <summary>Runs <paramref name="perChunk"/> after <c>setTraining(false)</c>, and calls <c>setTraining(true)</c> at the end when <paramref name="trainingAfter"/>.</summary>
    /// <param name="setTraining">Switches the model between train (true) and eval (false) mode.</param>
    /// <param name="trainingAfter">Whether to switch back to train mode when done.</param>
    /// <param name="rows">What to evaluate, in order.</param>
    /// <param name="chunkSize">Rows per chunk (at least 1).</param>
    /// <param name="perChunk">
    /// Receives each chunk and its offset in <paramref name="rows"/>. Tensors it creates are disposed
    /// with the chunk's scope unless moved to the outer one (<c>MoveToOuterDisposeScope</c>).
    /// </param>
    public static void InChunks<T>(Action<bool> setTraining, bool trainingAfter, T[] rows, int chunkSize, Action<T[], int> perChunk)
    {
        ArgumentNullException.ThrowIfNull(setTraining);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(perChunk);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        setTraining(false);
        try
        {
            using var noGrad = no_grad();
            int offset = 0;
            foreach (var chunk in rows.Chunk(chunkSize))
            {
                using var scope = NewDisposeScope();
                perChunk(chunk, offset);
                offset += chunk.Length;
            }
        }
        finally
        {
            if (trainingAfter) setTraining(true);
        }
    }
}
