using System.IO.Compression;
using System.Text;

namespace MoePS.Engine.Tests.Models;

/// <summary>Edits entries of a zip package in place, to craft damaged or hostile files from good ones.</summary>
public static class ZipEntries
{
    public static void Replace(string zipPath, string entry, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        var old = zip.GetEntry(entry) ?? throw new InvalidOperationException($"{zipPath} has no {entry}.");
        string text;
        using (var reader = new StreamReader(old.Open(), Encoding.UTF8)) text = reader.ReadToEnd();
        old.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(entry).Open(), new UTF8Encoding(false));
        writer.Write(edit(text));
    }
}
