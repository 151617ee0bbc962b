using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Cluster;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Formats;

namespace MoePS.Cmdlets;

/// <summary>
/// Base of every MoePS cmdlet: turns engine exceptions into ErrorRecords with a category and
/// target, so no raw .NET exception reaches the user.
/// </summary>
public abstract class MoeCmdlet : PSCmdlet
{
    /// <summary>Reports a failure for one item of a stream and lets the rest go on.</summary>
    protected void WriteItemError(Exception e, object? target, string errorId) =>
        WriteError(ToErrorRecord(e, target, errorId));

    /// <summary>Stops the cmdlet with a clear error.</summary>
    [DoesNotReturn]
    protected void Fail(Exception e, object? target, string errorId)
    {
        ThrowTerminatingError(ToErrorRecord(e, target, errorId));
        // PowerShellStandard's reference assembly doesn't mark ThrowTerminatingError [DoesNotReturn].
        throw new UnreachableException("ThrowTerminatingError returned.");
    }

    protected static ErrorRecord ToErrorRecord(Exception e, object? target, string errorId) =>
        new(e, errorId, CategoryOf(e), target);

    /// <summary>The error for structures whose atoms have no neighbour within the graph radius, saying how to <paramref name="action"/> anyway.</summary>
    protected static ErrorRecord IsolatedAtomsErrorRecord(IsolatedAtomsException e, object? target, string action)
    {
        var record = ToErrorRecord(e, target, "IsolatedAtoms");
        record.ErrorDetails = new ErrorDetails($"{e.Message} Use -Force to {action} anyway.")
        {
            RecommendedAction = $"Check the structure's cell and coordinates, or use -Force to {action} anyway.",
        };
        return record;
    }

    /// <summary>The error category that fits an engine exception.</summary>
    protected static ErrorCategory CategoryOf(Exception e) => e switch
        {
            CrystalFormatException => ErrorCategory.InvalidData,
            IsolatedAtomsException => ErrorCategory.InvalidData,
            FormatException => ErrorCategory.InvalidData,
            ExtractorFormatException => ErrorCategory.InvalidData,
            FileNotFoundException or DirectoryNotFoundException => ErrorCategory.ObjectNotFound,
            UnauthorizedAccessException => ErrorCategory.PermissionDenied,
            TorchLoadException => ErrorCategory.ResourceUnavailable,
            ArgumentException => ErrorCategory.InvalidArgument,
            InvalidOperationException => ErrorCategory.InvalidOperation,
            NotSupportedException => ErrorCategory.NotImplemented,
            OperationCanceledException => ErrorCategory.OperationStopped,
            IOException => ErrorCategory.ReadError,
            _ => ErrorCategory.NotSpecified,
        };

    /// <summary>The device named by a -Device parameter (default: first CUDA device, else CPU); stops the cmdlet clearly when it is not available.</summary>
    protected ComputeDevice ResolveDevice(string? name)
    {
        ComputeDevice? device = null;
        try
        {
            device = ComputeDevice.Parse(name);
        }
        catch (Exception e)
        {
            Fail(e, name, "DeviceNotAvailable");
        }
        WriteVerbose($"Computing on {device.Name}");
        return device;
    }

    /// <summary>
    /// Whether a file may be written: an existing file needs -Force (otherwise an error naming it,
    /// terminating or not), then -WhatIf/-Confirm decide.
    /// </summary>
    protected bool MayWrite(string target, bool force, string action, bool terminating = false)
    {
        if (File.Exists(target) && !force)
        {
            var error = ToErrorRecord(new IOException($"'{target}' already exists; use -Force to overwrite it."), target, "FileExists");
            if (terminating) ThrowTerminatingError(error);
            WriteError(error);
            return false;
        }
        return ShouldProcess(target, action);
    }

    /// <summary>Warns when rows of <paramref name="dataset"/> share an id (predictions and errors name rows by id), naming the first few.</summary>
    protected void WarnOfDuplicateIds(CrystalDataset dataset)
    {
        var duplicates = dataset.DuplicateIds();
        if (duplicates.Count == 0) return;
        string shown = string.Join("; ", duplicates.Take(5).Select(d => $"'{d.Id}' (rows {string.Join(", ", d.Rows)})"));
        WriteWarning($"The dataset '{dataset.Name}' has {duplicates.Count} id(s) on more than one row: {shown}{(duplicates.Count > 5 ? "; …" : "")}. " +
            "Predictions and errors name rows by id, so these rows are hard to tell apart.");
    }

    /// <summary>Slurm's client commands; stops the cmdlet clearly when sbatch is not on the PATH.</summary>
    protected SlurmCommands LocateSlurm()
    {
        SlurmCommands? slurm = null;
        try { slurm = SlurmCommands.Locate(); }
        catch (SlurmNotFoundException e) { Fail(e, "sbatch", "SlurmNotFound"); }
        return slurm;
    }

    /// <summary>The PowerShell job of a submitted Slurm job, in this session's job list and watching the queue.</summary>
    protected SlurmJob StartSlurmJob(SlurmJobRecord record, SlurmCommands slurm)
    {
        var job = SlurmJobs.Attach(record, slurm);
        JobRepository.Add(job);
        job.StartJob();
        return job;
    }

    /// <summary>Resolves a user path (relative to the current PowerShell location, ~ expanded).</summary>
    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);
}
