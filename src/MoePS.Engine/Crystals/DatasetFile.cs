namespace MoePS.Engine.Crystals;

/// <summary>The entry point for labelled datasets: a Matminer/Matbench JSON(.gz) file or a CGCNN folder.</summary>
public static class DatasetFile
{
    public static DatasetReadResult Read(string path, DatasetReadOptions? options = null)
    {
        if (Directory.Exists(path)) return CgcnnFolderReader.Read(path, options);
        if (!File.Exists(path)) throw new FileNotFoundException($"No such dataset file or folder: {path}", path);
        return MatminerDatasetReader.Read(path, options);
    }
}
