using System.Management.Automation;

namespace MoePS.Cmdlets;

/// <summary>Turns user paths (wildcards, ~, relative, PSPath) into file-system paths.</summary>
internal static class ProviderPaths
{
    /// <summary>Every existing file-system path <paramref name="path"/> names; throws ItemNotFoundException when none.</summary>
    public static IReadOnlyList<string> Resolve(PSCmdlet cmdlet, string path)
    {
        var resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            throw new ArgumentException($"'{path}' is not a file-system path.");
        return resolved;
    }
}
