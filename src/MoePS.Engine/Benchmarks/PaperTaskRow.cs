namespace MoePS.Engine.Benchmarks;

/// <summary>One row of the paper's Table 3: test MAE mean ± std over 5 seeds.</summary>
public sealed record PaperTaskRow(string Task, int Rows, string? Unit,
    PaperValue STL, PaperValue TL, PaperValue MoE, bool DataAvailable);
