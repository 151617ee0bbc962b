using MoePS.Engine.Training;
using System.Collections;
using System.Text.RegularExpressions;
using System.IO.Compression;
using Razorvine.Pickle;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// A CGCNN training checkpoint saved by PyTorch's torch.save (zip format; .pth / .pth.tar): a dict
/// with 'state_dict', 'normalizer' {mean, std, …}, 'best_mae_error', 'epoch' and 'args', as the
/// reference CGCNN and MoE code write it. A bare state_dict is accepted too.
/// </summary>
public sealed class PyTorchCheckpoint : IDisposable
{
    PyTorchCheckpoint(Dictionary<string, Tensor> stateDict, Normaliser? normaliser, double? bestMae, int? epoch,
        IReadOnlyDictionary<string, string> args, string sha256)
    {
        StateDict = stateDict;
        Normaliser = normaliser;
        BestMae = bestMae;
        Epoch = epoch;
        Args = args;
        Sha256 = sha256;
    }

    public IReadOnlyDictionary<string, Tensor> StateDict { get; }
    public Normaliser? Normaliser { get; }
    public double? BestMae { get; }
    public int? Epoch { get; }
    public IReadOnlyDictionary<string, string> Args { get; }
    /// <summary>SHA-256 (lower-case hex) of the file's bytes.</summary>
    public string Sha256 { get; }

    public static PyTorchCheckpoint Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        Runtime.TorchRuntime.EnsureLoaded();
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || bytes[0] != 0x50 || bytes[1] != 0x4b || bytes[2] != 0x03 || bytes[3] != 0x04)
            throw new ExtractorFormatException(path, "not a zip-format PyTorch checkpoint (torch.save since PyTorch 1.6); legacy or corrupt files cannot be read.");
        using var archive = Unreadable(path, () => new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read));
        var root = Unpickle(archive, path);
        string sha = WeightHashes.Of(bytes);
        if (root["state_dict"] is not IDictionary stateTable)
        {
            // A bare state_dict saved with torch.save(model.state_dict()).
            if (root.Count > 0 && root.Values.Cast<object>().All(v => v is PickledTensor))
                return new PyTorchCheckpoint(ToTensors(root, archive, path), null, null, null, new Dictionary<string, string>(), sha);
            throw new ExtractorFormatException(path, "the checkpoint has no 'state_dict' entry.");
        }
        var normaliser = root["normalizer"] is IDictionary norm
            ? new Normaliser(Scalar(norm["mean"], archive, path, "normalizer.mean"), Scalar(norm["std"], archive, path, "normalizer.std"))
            : null;
        double? bestMae = root["best_mae_error"] is { } b ? Scalar(b, archive, path, "best_mae_error") : null;
        int? epoch = root["epoch"] is { } ep ? (int)Scalar(ep, archive, path, "epoch") : null;
        var args = root["args"] is IDictionary a
            ? a.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Describe(a[k]))
            : new Dictionary<string, string>();
        return new PyTorchCheckpoint(ToTensors(stateTable, archive, path), normaliser, bestMae, epoch, args, sha);
    }

    static Hashtable Unpickle(ZipArchive archive, string path)
    {
        try
        {
            return Unreadable(path, () => CheckpointUnpickler.Load(archive)) as Hashtable
                ?? throw new ExtractorFormatException(path, "the checkpoint does not hold a dictionary.");
        }
        catch (ExtractorFormatException e) when (e.InnerException is PickleException p && ConstructedClass(p) is { } pythonClass)
        {
            throw new ExtractorFormatException(path,
                $"the checkpoint holds Python objects other than tensors and dictionaries (class {pythonClass}) and was refused for safety.", p);
        }
    }

    /// <summary>The result of <paramref name="read"/>, or an error naming the file when the checkpoint cannot be read.</summary>
    static T Unreadable<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or NotImplementedException or IOException
                                      or InvalidOperationException or IndexOutOfRangeException or ArgumentException or PickleException)
        {
            throw new ExtractorFormatException(path, $"the checkpoint could not be unpickled ({e.Message}).", e);
        }
    }

    /// <summary>
    /// The Python class the unpickler refused to construct, or null when it failed for another reason.
    /// The unpickler builds only tensors and plain containers; any other class that needs arguments
    /// to be built ends up in this error, which names it only in its message.
    /// </summary>
    static string? ConstructedClass(PickleException e) =>
        ClassDictFor.Match(e.Message) is { Success: true } m ? m.Groups[1].Value : null;

    static readonly Regex ClassDictFor = new(@"construction of ClassDict \(for ([^)\s]+)\)", RegexOptions.CultureInvariant);

    /// <summary>The tensors of a state_dict table, each checked to lie inside its storage before it is made, and to be finite.</summary>
    static Dictionary<string, Tensor> ToTensors(IDictionary table, ZipArchive archive, string path)
    {
        var storages = new Dictionary<PickledStorage, byte[]>();
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (DictionaryEntry e in table)
                if (e.Value is PickledTensor t)
                {
                    string name = (string)e.Key;
                    result[name] = Build(t, name, archive, path, storages);
                    FiniteWeights.Check(name, result[name], path);
                }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    static Tensor Build(PickledTensor t, string name, ZipArchive archive, string path, Dictionary<PickledStorage, byte[]>? storages = null)
    {
        if (t.GeometryProblem() is { } problem)
            throw new ExtractorFormatException(path, $"tensor '{name}' cannot be read: {problem}.");
        try
        {
            byte[]? bytes = null;
            if (storages?.TryGetValue(t.Storage, out bytes) != true)
            {
                bytes = CheckpointUnpickler.ReadStorage(archive, t.Storage);
                if (storages != null) storages[t.Storage] = bytes;
            }
            return t.Build(bytes!);
        }
        catch (InvalidDataException e)
        {
            throw new ExtractorFormatException(path, $"tensor '{name}' cannot be read: {e.Message}.", e);
        }
    }

    static double Scalar(object? value, ZipArchive archive, string path, string what)
    {
        if (value is PickledTensor pickled)
        {
            using var t = Build(pickled, what, archive, path);
            if (t.numel() == 1) return t.to(float64).item<double>();
        }
        return value switch
        {
            double d => d,
            int i => i,
            long l => l,
            _ => throw new ExtractorFormatException(path, $"'{what}' is not a number ({value?.GetType().Name ?? "null"})."),
        };
    }

    static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object?>().Select(Describe)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Shapes of the state_dict tensors, for architecture inference.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes() => StateDict.ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
    }
}
