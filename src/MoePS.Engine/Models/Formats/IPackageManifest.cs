namespace MoePS.Engine.Models.Formats;

/// <summary>What every manifest of a MoePS zip package starts with.</summary>
internal interface IPackageManifest
{
    /// <summary>The format's name, e.g. "moeps-extractor".</summary>
    string Format { get; }

    /// <summary>The version of the format the file was written in.</summary>
    int Version { get; }
}
