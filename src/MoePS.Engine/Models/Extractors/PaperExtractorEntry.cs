namespace MoePS.Engine.Models.Extractors;

/// <summary>One of the paper's 18 pre-trained extractors: its name, original checkpoint (file and pinned SHA-256) and source task.</summary>
public sealed record PaperExtractorEntry(string Name, string OriginalFile, string Sha256, string Description, int Rows, string? Unit,
    double TestMae, string? UnitNote = null)
{
    /// <summary>Where the public checkpoint lives (rees-c/MoE on GitHub, pinned commit).</summary>
    public string DownloadUrl => PaperExtractors.RawUrl(PaperExtractors.CheckpointFolder + "/" + OriginalFile);
}
