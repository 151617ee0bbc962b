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
}
