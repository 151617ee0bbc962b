using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>
/// A training run's checkpoint file: the run's <see cref="RunIdentity"/> (model, recipe and split,
/// which must match to resume), the <see cref="TrainingState"/>, the target's current weights, the best weights and the
/// optimiser's state (Adam moments, SGD momentum). Random streams need no saving: every epoch's
/// shuffle and torch seed derive from (seed, epoch). Written to a temporary file, then renamed.
/// </summary>
internal static class TrainingCheckpoint
{
    const string Magic = "MoePS.TrainingCheckpoint";
    const int Version = 3; // 2: the identity covers the model (kind, extractors, TopK, head) and the test rows; 3: and what the rows hold

    public static void Save(string path, RunIdentity identity, TrainingState state, TimeSpan elapsed,
        ITrainingTarget target, OptimizerHelper optimizer)
    {
        AtomicFile.Write(path, overwrite: true, temp =>
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(Version);
                    identity.Write(writer);
                    writer.Write(state.Epoch);
                    writer.Write(elapsed.Ticks);
                    WriteHistory(writer, state.History);
                    var current = target.CaptureState();
                    try { WriteTensors(writer, current); }
                    finally { foreach (var t in current.Values) t.Dispose(); }
                    writer.Write(state.BestEpoch);
                    writer.Write(state.BestValidationMae);
                    writer.Write(state.BestState != null);
                    if (state.BestState != null) WriteTensors(writer, state.BestState);
                    optimizer.save_state_dict(writer);
                }
                stream.Flush(flushToDisk: true);
            }
        });
    }

    /// <summary>Restores a checkpoint into a fresh run: the target's weights, the optimiser and the state.</summary>
    public static void Load(string path, RunIdentity identity, TrainingState state,
        ITrainingTarget target, OptimizerHelper optimizer)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("it is not a MoePS training checkpoint");
            int version = reader.ReadInt32();
            if (version < Version)
                throw new InvalidDataException($"it was written by an older MoePS (checkpoint format {version}, this one reads {Version}). " +
                    "Delete it, or start without -CheckpointPath (or without -Resume, which overwrites it).");
            if (version > Version)
                throw new InvalidDataException($"it was written by a newer MoePS (checkpoint format {version}, this one reads {Version}).");
            CheckIdentity(path, RunIdentity.Read(reader), identity);
            state.Epoch = reader.ReadInt32();
            state.ElapsedBefore = TimeSpan.FromTicks(reader.ReadInt64());
            state.History.Clear();
            state.History.AddRange(ReadHistory(reader));

            var current = ReadTensors(reader, target);
            try { target.RestoreState(current); }
            finally { foreach (var t in current.Values) t.Dispose(); }

            int bestEpoch = reader.ReadInt32();
            double bestMae = reader.ReadDouble();
            if (reader.ReadBoolean()) state.SetBest(bestEpoch, bestMae, ReadTensors(reader, target));

            optimizer.load_state_dict(reader);
            MoveOptimizerStateTo(optimizer, target.Device);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint '{path}' cannot be resumed: {e.Message}", e);
        }
    }

    static void CheckIdentity(string path, RunIdentity saved, RunIdentity expected)
    {
        var differences = expected.DifferencesFrom(saved);
        if (differences.Count > 0)
            throw new InvalidOperationException(
                $"The checkpoint '{path}' belongs to a different run ({string.Join("; ", differences)}). " +
                "Resume with the same settings, or delete the checkpoint to start over.");
    }

    static void WriteHistory(BinaryWriter writer, List<EpochRecord> history)
    {
        writer.Write(history.Count);
        foreach (var r in history)
        {
            writer.Write(r.Epoch);
            writer.Write(r.TrainLoss);
            writer.Write(r.TrainMae);
            writer.Write(r.ValidationMae);
            writer.Write(r.LearningRate);
            writer.Write(r.Seconds);
        }
    }

    static List<EpochRecord> ReadHistory(BinaryReader reader)
    {
        int n = reader.ReadInt32();
        var history = new List<EpochRecord>(n);
        for (int i = 0; i < n; i++)
            history.Add(new EpochRecord(reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadDouble()));
        return history;
    }

    static void WriteTensors(BinaryWriter writer, IReadOnlyDictionary<string, Tensor> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            writer.Write(name);
            tensor.Save(writer);
        }
    }

    /// <summary>Reads tensors into copies of the target's own state, so names, shapes and types are checked against it.</summary>
    static IReadOnlyDictionary<string, Tensor> ReadTensors(BinaryReader reader, ITrainingTarget target)
    {
        var templates = target.CaptureState();
        try
        {
            int n = reader.ReadInt32();
            if (n != templates.Count)
                throw new InvalidDataException($"it holds {n} tensors, the model has {templates.Count}");
            for (int i = 0; i < n; i++)
            {
                string name = reader.ReadString();
                if (!templates.TryGetValue(name, out var tensor))
                    throw new InvalidDataException($"it holds a tensor '{name}' the model does not have");
                tensor.Load(reader);
            }
            return templates;
        }
        catch
        {
            foreach (var t in templates.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>SGD recreates a saved momentum buffer on the CPU; put it back beside its parameter.</summary>
    static void MoveOptimizerStateTo(OptimizerHelper optimizer, Device device)
    {
        foreach (var s in optimizer.state_dict().State)
            if (s is SGD.State sgd && sgd.momentum_buffer is { } buffer && (buffer.device_type != device.type || buffer.device_index != device.index))
            {
                sgd.momentum_buffer = buffer.to(device);
                buffer.Dispose();
            }
    }
}
