#Requires -Version 7.4
<#
.SYNOPSIS
    Per task, the test MAE of keeping, for each seed, whichever of two methods had the lower validation MAE: what a user
    who trains both (e.g. TL and a mixture) and keeps the better validated model gets.
.EXAMPLE
    ./examples/validation-choice.ps1 -ResultPath results/table3-fast.jsonl
.EXAMPLE
    ./examples/validation-choice.ps1 -ResultPath results/table3-fast.jsonl -Candidates TL, 'MoE:epochs=200; patience=50; topK=2; gateStart=Probe'
#>
param(
    [Parameter(Mandatory)] [string] $ResultPath,
    # Each candidate is a method, or method:settings to pick one variant of it (the Settings text of its results).
    [string[]] $Candidates = @('TL', 'MoE'),
    # The settings of a candidate given as a method alone; the Fast preset's by default.
    [string] $Settings = 'epochs=200; patience=50'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')
. (Join-Path $PSScriptRoot 'Select-ByValidation.ps1')

Select-ByValidation -Result ([MoePS.Engine.Benchmarks.ResultStore]::new((Resolve-Path $ResultPath).Path).ReadAll()) -Candidates $Candidates -Settings $Settings
