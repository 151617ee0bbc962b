using MoePS.Engine.Training;
using System.Collections;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.PyBridge;
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
        Hashtable root;
        try
        {
            using var stream = new MemoryStream(bytes);
            root = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Razorvine.Pickle.PickleException e) when (ConstructedClass(e) is { } pythonClass)
        {
            throw new ExtractorFormatException(path,
                $"the checkpoint holds Python objects other than tensors and dictionaries (class {pythonClass}) and was refused for safety.", e);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or NotImplementedException or IOException
                                      or InvalidOperationException or IndexOutOfRangeException or ArgumentException or Razorvine.Pickle.PickleException)
        {
            throw new ExtractorFormatException(path, $"the checkpoint could not be unpickled ({e.Message}).", e);
        }
        string sha = WeightHashes.Of(bytes);
        if (root["state_dict"] is not IDictionary stateTable)
        {
            // A bare state_dict saved with torch.save(model.state_dict()).
            if (root.Count > 0 && root.Values.Cast<object>().All(v => v is Tensor))
                return new PyTorchCheckpoint(ToTensors(root, path), null, null, null, new Dictionary<string, string>(), sha);
            throw new ExtractorFormatException(path, "the checkpoint has no 'state_dict' entry.");
        }
        var normaliser = root["normalizer"] is IDictionary norm
            ? new Normaliser(Scalar(norm["mean"], path, "normalizer.mean"), Scalar(norm["std"], path, "normalizer.std"))
            : null;
        double? bestMae = root["best_mae_error"] is { } b ? Scalar(b, path, "best_mae_error") : null;
        int? epoch = root["epoch"] is { } ep ? (int)Scalar(ep, path, "epoch") : null;
        var args = root["args"] is IDictionary a
            ? a.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Describe(a[k]))
            : new Dictionary<string, string>();
        return new PyTorchCheckpoint(ToTensors(stateTable, path), normaliser, bestMae, epoch, args, sha);
    }

    /// <summary>
    /// The Python class the unpickler refused to construct, or null when it failed for another reason.
    /// The unpickler builds only tensors and plain containers; any other class that needs arguments
    /// to be built ends up in this error, which names it only in its message.
    /// </summary>
    static string? ConstructedClass(Razorvine.Pickle.PickleException e) =>
        ClassDictFor.Match(e.Message) is { Success: true } m ? m.Groups[1].Value : null;

    static readonly Regex ClassDictFor = new(@"construction of ClassDict \(for ([^)\s]+)\)", RegexOptions.CultureInvariant);

    /// <summary>The tensors of a state_dict table, refused (and disposed) if any is not finite.</summary>
    static Dictionary<string, Tensor> ToTensors(IDictionary table, string path)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry e in table)
            if (e.Value is Tensor t) result[(string)e.Key] = t;
        try
        {
            foreach (var (name, t) in result) FiniteWeights.Check(name, t, path);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    static double Scalar(object? value, string path, string what) => value switch
    {
        Tensor t when t.numel() == 1 => t.to(float64).item<double>(),
        double d => d,
        int i => i,
        long l => l,
        _ => throw new ExtractorFormatException(path, $"'{what}' is not a number ({value?.GetType().Name ?? "null"})."),
    };

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
