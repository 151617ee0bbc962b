# Runs the Pester suite in its own process and writes {Passed, Failed} to -ResultFile.
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    # Comma-separated: `pwsh -File` passes one string per argument, so a list travels as one.
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force
$env:MOEPS_MODULE_MANIFEST = $ModuleManifest
$config = New-PesterConfiguration
$config.Run.Path = $Path -split ','
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config
$summary = [ordered]@{
    Passed = $result.PassedCount
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
}
$summary | ConvertTo-Json | Set-Content -Path $ResultFile
