namespace MoePS.Engine.Reports;

/// <summary>One rendered figure: a file-name stem, a title and PNG bytes.</summary>
public sealed record ReportImage(string Name, string Title, byte[] Png, int Width, int Height);
