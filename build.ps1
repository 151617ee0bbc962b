#!/usr/bin/env pwsh
<#
.SYNOPSIS
    MoePS build entry point: Build, Test, Demo, Bench, GpuKit, Clean.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Build -Backend Cuda
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -Reference -BenchFilter moe.k18    # MoE-18 epochs beside the paper's code ($env:MOEPS_PAPER_CODE)
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -Reference -BenchFilter tensornet.features    # beside MatGL ($env:MOEPS_MATGL_SOURCE, $env:MOEPS_PYG_SOURCE)
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -BenchFilter moe.k18 -NoTieredCompilation    # MoE-18's steady-state epoch spread, with machine.spread
.EXAMPLE
    dotnet pwsh ./build.ps1 GpuKit    # artifacts/gpukit/moeps-gpukit.tar.xz: the device check for a CUDA machine with PyTorch (README, 'GPU kit')
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'GpuKit', 'Clean')]
    [string] $Task = 'Build',

    # Cpu: libtorch-cpu-linux-x64 (default). Cuda: TorchSharp-cuda-linux, for NVIDIA GPUs.
    [ValidateSet('Cpu', 'Cuda')]
    [string] $Backend = 'Cpu',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: only xunit tests matching this dotnet-test filter, and Pester files matching -PesterPath.
    [string] $TestFilter,
    [string[]] $PesterPath = @('tests/MoePS.Tests'),
    [switch] $SkipPester,
    [switch] $SkipXunit,

    # Bench: only benchmarks whose name matches this wildcard.
    [string] $BenchFilter = '*',
    # Bench: also time the paper's code (a work tree of rees-c/MoE at -PaperCode or $env:MOEPS_PAPER_CODE; as root,
    # installs Debian's python3-torch and python3-pymatgen when missing) and report the ratios.
    [switch] $Reference,
    [string] $PaperCode,
    # Bench -Reference: MatGL's TensorNet code for tensornet.features (work trees of materialsvirtuallab/matgl and of
    # PyG 2.5.3; default $env:MOEPS_MATGL_SOURCE and $env:MOEPS_PYG_SOURCE).
    [string] $MatGLSource,
    [string] $PygSource,
    # Bench: fresh runs per epoch-time benchmark (default 3) and epochs per run (default 8; epoch 1 is left out).
    [int] $BenchRepeats,
    [int] $BenchEpochs,
    # Bench: compile every method fully at its first call (DOTNET_TieredCompilation=0), so that no method is recompiled
    # on a background thread while an epoch is timed: steady-state epochs from a fresh process (README, Speed).
    [switch] $NoTieredCompilation
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'MoePS'
$artifacts = Join-Path $root 'artifacts'
Import-Module (Join-Path $root 'build/BuildHelpers.psm1') -Force

switch ($Task) {
    'Build' { Invoke-ModuleBuild -Root $root -Backend $Backend -Configuration $Configuration | Out-Null }
    'Test' {
        Install-TestPackages
        Invoke-ModuleBuild -Root $root -Backend $Backend -Configuration $Configuration | Out-Null
        $counts = @()
        if (-not $SkipXunit) {
            $counts += Invoke-XunitSuite -Root $root -Configuration $Configuration -Filter $TestFilter
        }
        if (-not $SkipPester) {
            $counts += Invoke-PesterSuite -Root $root -Path $PesterPath
        }
        $passed = ($counts | Measure-Object -Property Passed -Sum).Sum
        $failed = ($counts | Measure-Object -Property Failed -Sum).Sum
        foreach ($c in $counts) { Write-Host ("  {0,-8} {1} passed, {2} failed" -f $c.Suite, $c.Passed, $c.Failed) }
        Write-Output "$passed passed, $failed failed"
        if ($failed -gt 0 -or $counts.Where({ $_.Crashed }).Count -gt 0) { exit 1 }
    }
    'Demo' {
        Invoke-ModuleBuild -Root $root -Backend $Backend -Configuration $Configuration | Out-Null
        Invoke-InFreshPwsh -Root $root -Script (Join-Path $root 'examples/quickstart.ps1')
    }
    'Bench' {
        Invoke-ModuleBuild -Root $root -Backend $Backend -Configuration $Configuration | Out-Null
        Invoke-Benchmarks -Root $root -Configuration $Configuration -Filter $BenchFilter -Reference:$Reference -PaperCode $PaperCode `
            -MatGLSource $MatGLSource -PygSource $PygSource -Repeats $BenchRepeats -Epochs $BenchEpochs -NoTieredCompilation:$NoTieredCompilation
    }
    'GpuKit' { Invoke-GpuKitBuild -Root $root -Configuration $Configuration | Out-Null }
    'Clean' {
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $artifacts
        Get-ChildItem $moduleDir -Force | Where-Object Name -notin 'MoePS.psd1', 'MoePS.Format.ps1xml' |
            Remove-Item -Recurse -Force
        Get-ChildItem $root -Recurse -Directory -Include bin, obj |
            Where-Object FullName -notlike "$moduleDir*" | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
        Write-Host 'Cleaned build output.'
    }
}
