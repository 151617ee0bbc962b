using System.Buffers.Binary;
using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Experts;

/// <summary>
/// A frozen expert's crystal features kept on disk, one small file per (expert, structure content), so a structure is
/// featurised once however many runs, seeds and sessions use it. Entries are written atomically; an entry that is
/// damaged or of the wrong length is treated as missing and recomputed. Safe from several threads and processes.
/// </summary>
public sealed class FeatureCache
{
    const string Extension = ".feature";
    const string Magic = "MFC1";

    /// <param name="folder">Where entries live; default <c>DataLocations.CacheFolder()/features</c>.</param>
    public FeatureCache(string? folder = null) =>
        Folder = Path.GetFullPath(folder ?? Path.Combine(DataLocations.CacheFolder(), "features"));

    public string Folder { get; }

    /// <summary>The file holding <paramref name="expert"/>'s feature of <paramref name="crystal"/>.</summary>
    public string PathOf(IExpert expert, Crystal crystal) =>
        Path.Combine(Folder, expert.CacheKey, StructureKey.ToHex(StructureKey.Compute(crystal, "moeps-feature-v1\0")) + Extension);

    /// <summary>The cached feature, or null when there is no valid entry.</summary>
    public float[]? TryLoad(IExpert expert, Crystal crystal) => TryLoad(PathOf(expert, crystal), expert.FeatureLength);

    static float[]? TryLoad(string path, int length)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        if (bytes.Length != 8 + 4 * length || System.Text.Encoding.ASCII.GetString(bytes, 0, 4) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) != length) return null;
        var feature = new float[length];
        for (int i = 0; i < length; i++) feature[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + 4 * i));
        return feature.All(float.IsFinite) ? feature : null;
    }

    public void Store(IExpert expert, Crystal crystal, float[] feature)
    {
        CheckLength(expert, feature);
        Store(PathOf(expert, crystal), feature);
    }

    static void CheckLength(IExpert expert, float[] feature)
    {
        if (feature.Length != expert.FeatureLength)
            throw new ArgumentException($"Expert '{expert.Name}' gives {expert.FeatureLength} features, not {feature.Length}.", nameof(feature));
    }

    static void Store(string path, float[] feature)
    {
        var bytes = new byte[8 + 4 * feature.Length];
        System.Text.Encoding.ASCII.GetBytes(Magic, bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), feature.Length);
        for (int i = 0; i < feature.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + 4 * i), feature[i]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, bytes, overwrite: true);
    }

    /// <summary>
    /// The features of <paramref name="crystals"/>, in order: cached ones read, the others computed together by
    /// <paramref name="compute"/> (given the missing crystals, in order) and stored.
    /// </summary>
    public float[][] GetOrCompute(IExpert expert, IReadOnlyList<Crystal> crystals, Func<IReadOnlyList<Crystal>, float[][]> compute)
    {
        // Each structure's key (a hash of its whole content) once, for the read and, when missing, the write.
        var paths = crystals.Select(c => PathOf(expert, c)).ToArray();
        var features = paths.Select(p => TryLoad(p, expert.FeatureLength)).ToArray();
        int[] missing = Enumerable.Range(0, crystals.Count).Where(i => features[i] == null).ToArray();
        if (missing.Length > 0)
        {
            var computed = compute(missing.Select(i => crystals[i]).ToList());
            for (int j = 0; j < missing.Length; j++)
            {
                CheckLength(expert, computed[j]);
                features[missing[j]] = computed[j];
                Store(paths[missing[j]], computed[j]);
            }
        }
        return features!;
    }
}
