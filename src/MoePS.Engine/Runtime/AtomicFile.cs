namespace MoePS.Engine.Runtime;

/// <summary>Writes files through a temporary file in the same folder and a rename, so readers never see half a file.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a temporary path beside <paramref name="path"/>, then
    /// moves it into place. Refuses to replace an existing file unless <paramref name="overwrite"/>.
    /// </summary>
    public static void Write(string path, bool overwrite, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
            throw new IOException($"'{full}' already exists; use -Force to overwrite it.");
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes, bool overwrite) =>
        Write(path, overwrite, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>
    /// Writes several files as one: refuses (naming them) if any exists and not <paramref name="overwrite"/>, writes each
    /// to a temporary file beside it, and only when all are written moves them into place, in the order given. A failure
    /// leaves none of them behind: no temporary file, and none of the files moved in before it.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, Action<string> Write)> files, bool overwrite)
    {
        var targets = files.Select(f => Path.GetFullPath(f.Path)).ToList();
        var existing = targets.Where(File.Exists).ToList();
        if (!overwrite && existing.Count > 0)
            throw new IOException(existing.Count == 1
                ? $"'{existing[0]}' already exists; use -Force to overwrite it."
                : $"{string.Join(", ", existing.Select(e => $"'{e}'"))} already exist; use -Force to overwrite them.");
        var temps = targets.Select(t => Path.Combine(Path.GetDirectoryName(t)!, $".{Path.GetFileName(t)}.{Guid.NewGuid():N}.tmp")).ToList();
        int moved = 0;
        try
        {
            for (int i = 0; i < files.Count; i++)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(targets[i])!);
                files[i].Write(temps[i]);
            }
            for (; moved < files.Count; moved++) File.Move(temps[moved], targets[moved], overwrite);
        }
        catch
        {
            for (int i = 0; i < moved; i++) File.Delete(targets[i]);
            throw;
        }
        finally
        {
            foreach (string temp in temps.Where(File.Exists)) File.Delete(temp);
        }
    }
}
