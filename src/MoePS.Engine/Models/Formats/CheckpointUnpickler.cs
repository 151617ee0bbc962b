using System.Collections;
using System.IO.Compression;
using System.Numerics;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// Unpickles the data.pkl of a zip-format torch.save file into dictionaries, numbers, strings and
/// <see cref="PickledTensor"/> descriptions, without running Python and without making any tensor: storages
/// are only named (entry, dtype, element count), so that each tensor's geometry can be checked, under its
/// state_dict name, before anything is allocated (<see cref="ReadStorage"/>, <see cref="PickledTensor.Build"/>).
/// Any Python class other than torch's tensor rebuilders, storages and OrderedDict ends in a
/// <see cref="PickleException"/> that names it.
/// </summary>
internal sealed class CheckpointUnpickler : Unpickler
{
    readonly ZipArchive archive;
    readonly string folder;

    CheckpointUnpickler(ZipArchive archive, string folder)
    {
        this.archive = archive;
        this.folder = folder;
    }

    /// <summary>The root object of the checkpoint's pickle (the archive stays open for <see cref="ReadStorage"/>).</summary>
    public static object Load(ZipArchive archive)
    {
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
            ?? throw new InvalidDataException("it has no data.pkl");
        string folder = pickle.FullName[..^"data.pkl".Length];
        lock (Registration)
        {
            // Razorvine keeps its constructors in one table for the whole process; registering before each read
            // keeps ours there even if another library registered its own for these names in between.
            registerConstructor("torch._utils", "_rebuild_tensor", Rebuild);
            registerConstructor("torch._utils", "_rebuild_tensor_v2", Rebuild);
            registerConstructor("collections", "OrderedDict", NewDictionary);
            using var unpickler = new CheckpointUnpickler(archive, folder);
            using var stream = pickle.Open();
            return unpickler.load(stream);
        }
    }

    static readonly object Registration = new();
    static readonly IObjectConstructor Rebuild = new RebuildTensor();
    static readonly IObjectConstructor NewDictionary = new EmptyDictionary();

    /// <summary>The bytes of a storage, refused unless the entry holds exactly the elements the pickle claims.</summary>
    public static byte[] ReadStorage(ZipArchive archive, PickledStorage storage)
    {
        var entry = archive.GetEntry(storage.Entry) ?? throw new InvalidDataException($"its storage '{storage.Entry}' is missing");
        long expected = storage.ElementCount * ElementSize(storage.DType);
        if (entry.Length != expected)
            throw new InvalidDataException(
                $"its storage '{storage.Entry}' holds {entry.Length} bytes, not the {expected} of {storage.ElementCount} {storage.DType} elements the pickle claims");
        byte[] bytes = new byte[expected];
        using var s = entry.Open();
        s.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>torch.save's persistent id: ('storage', storage class, key, location, element count).</summary>
    protected override object persistentLoad(object pid)
    {
        if (pid is not object[] { Length: >= 5 } id || id[0] is not "storage" || id[1] is not ClassDictConstructor type || id[2] is not string key)
            throw new InvalidDataException("it refers to data that is not a torch storage");
        long count = Integer(id[4], "storage element count");
        if (count < 0) throw new InvalidDataException($"its storage '{key}' claims {count} elements");
        return new PickledStorage($"{folder}data/{key}", StorageType(type.name), count);
    }

    static ScalarType StorageType(string name) => name switch
    {
        "DoubleStorage" => ScalarType.Float64,
        "FloatStorage" => ScalarType.Float32,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" => ScalarType.Byte,
        "BoolStorage" => ScalarType.Bool,
        _ => throw new InvalidDataException($"it holds a storage of type '{name}', which MoePS does not read"),
    };

    static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    static long Integer(object? value, string what) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new InvalidDataException($"its {what} is not an integer ({value ?? "None"})"),
    };

    static long[] Integers(object? value, string what) => value is object[] items
        ? items.Select(v => Integer(v, what)).ToArray()
        : throw new InvalidDataException($"its {what} is not a tuple of integers");

    /// <summary>torch._utils._rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...): described, not built.</summary>
    sealed class RebuildTensor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4 || args[0] is not PickledStorage storage)
                throw new InvalidDataException("it rebuilds a tensor from something other than a storage");
            return new PickledTensor(storage, Integer(args[1], "storage offset"), Integers(args[2], "size"), Integers(args[3], "stride"));
        }
    }

    /// <summary>collections.OrderedDict(): a dictionary that SETITEMS fills.</summary>
    sealed class EmptyDictionary : IObjectConstructor
    {
        public object construct(object[] args) => new OrderedDictionary();
    }

    /// <summary>A state_dict's OrderedDict; the attributes torch pickles with it (its _metadata) are not needed.</summary>
    sealed class OrderedDictionary : Hashtable
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "The unpickler's BUILD calls it on the instance, by name.")]
        public void __setstate__(Hashtable attributes) { }
    }
}
