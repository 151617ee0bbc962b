#Requires -Version 7.4
<#
.SYNOPSIS
    Screens a large set of candidate structures with a trained model on a Slurm cluster.
.DESCRIPTION
    The CIF files under -Candidates are split into -Shards consecutive shards, one Slurm array task
    each (the model is saved into the job folder, so the nodes read the same one). The script waits
    for the job, reports shards that failed, and prints the -Top candidates with the lowest predicted
    value. The merged CSV (-OutputPath) has one row per structure in the order of the files; a file
    that cannot be read, or a structure the model cannot take, has its reason in the Error column.

    Resubmitting after a failure predicts everything again: shards are cheap next to training.
    The module, the candidates and the output folder must be on a file system every node sees.
.EXAMPLE
    ./examples/slurm-screening.ps1 -Model models/eform.moem -Candidates /shared/candidates -Shards 200 -Partition gpu -GpusPerShard 1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Model,
    [Parameter(Mandatory)] [string] $Candidates,
    [int] $Shards = 100,
    [string] $OutputPath = 'screening.csv',
    [string] $Partition,
    [int] $GpusPerShard = 0,
    [TimeSpan] $TimeLimit = '01:00:00',
    [int] $Top = 20
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')

$slurm = @{ Scheduler = 'Slurm'; Shards = $Shards; OutputPath = $OutputPath; TimeLimit = $TimeLimit; GpusPerTask = $GpusPerShard }
if ($Partition) { $slurm.Partition = $Partition }
$job = Invoke-PropertyPrediction -Model $Model -Path (Join-Path $Candidates '*.cif') @slurm
Write-Host "Slurm job $($job.SlurmJobId): $(@($job.ChildJobs).Count) shards; follow it with Get-MoeSlurmJob -ResultPath $OutputPath"

$job | Wait-Job | Out-Null
$job.ChildJobs | Where-Object State -ne 'Completed' | ForEach-Object {
    Write-Warning "$($_.Name) (Slurm task $($_.SlurmTaskId)) ended $($_.State): $($_.StatusMessage)"
}
if (-not (Test-Path $OutputPath)) { throw "$OutputPath was not written: not every shard finished." }

$rows = Import-Csv $OutputPath
$failed = @($rows | Where-Object Error)
Write-Host "$($rows.Count) structures, $($failed.Count) without a prediction."
$rows | Where-Object { -not $_.Error } | Sort-Object { [double]$_.Predicted } | Select-Object -First $Top Id, Formula, Predicted, Unit, Source
