using System.Globalization;
using System.Text;

namespace MoePS.Engine.Crystals;

/// <summary>
/// The first characters of a structure file, checked before the whole file is read: binary data, and text that
/// does not start the way its format must, are refused after <see cref="Length"/> characters at most, so a large
/// junk file costs no more memory than that.
/// </summary>
public static class StructureFileHead
{
    /// <summary>How much of a file is looked at (characters, after gzip decompression).</summary>
    public const int Length = 1 << 16;

    static readonly string[] CifOpenings = { "data_", "global_", "save_" };

    /// <summary>The first <see cref="Length"/> characters (fewer for a shorter file), split into lines; binary data is refused.</summary>
    public static string[] ReadLines(string path)
    {
        using var stream = StructureFileOpener.Open(path);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var head = new char[Length];
        int n;
        try { n = reader.ReadBlock(head, 0, head.Length); }
        catch (InvalidDataException e) { throw StructureFileOpener.CorruptGzip(path, e); }
        StructureFileOpener.RequireText(head.AsSpan(0, n), path, 1);
        return new string(head, 0, n).Split('\n').Select(l => l.Trim()).ToArray();
    }

    /// <summary>The first line that is neither blank nor, where <paramref name="comments"/>, a '#' comment; null when there is none.</summary>
    public static (string Text, int Line)? FirstLine(string[] lines, bool comments)
    {
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Length > 0 && !(comments && lines[i].StartsWith('#'))) return (lines[i], i + 1);
        return null;
    }

    /// <summary>A CIF opens its first data block (data_…; or global_, save_) before any other content.</summary>
    public static void RequireCif(string path)
    {
        if (FirstLine(ReadLines(path), comments: true) is not { } first) return; // blank: the reader says so
        if (!CifOpenings.Any(o => first.Text.StartsWith(o, StringComparison.OrdinalIgnoreCase)))
            throw new CrystalFormatException(
                $"not a CIF: the first line that is not a comment must open a data block (data_…), not '{Shorten(first.Text)}'.", path, first.Line);
    }

    /// <summary>A POSCAR has a comment line, then the scale factor(s) on line 2.</summary>
    public static void RequirePoscar(string path)
    {
        var lines = ReadLines(path);
        if (lines.Length < 2)
        {
            if (lines[0].Length < Length) return; // a one-line file: the reader names what is missing
            throw new CrystalFormatException(string.Create(CultureInfo.InvariantCulture,
                $"not a POSCAR: line 1 is longer than {Length} characters."), path, 1);
        }
        string scale = lines[1].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (!double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new CrystalFormatException($"not a POSCAR: line 2 must hold the scale factor, not '{Shorten(lines[1])}'.", path, 2);
    }

    /// <summary>An extended XYZ file starts with the atom count of its first frame.</summary>
    public static void RequireExtendedXyz(string path)
    {
        if (FirstLine(ReadLines(path), comments: false) is not { } first) return;
        if (!int.TryParse(first.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            throw new CrystalFormatException(
                $"not an extended XYZ file: the first line must hold the number of atoms, not '{Shorten(first.Text)}'.", path, first.Line);
    }

    /// <summary>A pymatgen structure or Matminer dataset is a JSON object: '{' after any whitespace.</summary>
    public static void RequireJsonObject(string path)
    {
        if (FirstLine(ReadLines(path), comments: false) is not { } first) return;
        if (first.Text[0] != '{')
            throw new CrystalFormatException(
                $"not a JSON object: a pymatgen structure or Matminer dataset starts with '{{', not '{Shorten(first.Text)}'.", path, first.Line);
    }

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
