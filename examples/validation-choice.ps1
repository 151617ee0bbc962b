#Requires -Version 7.4
<#
.SYNOPSIS
    Per task, the test MAE of keeping, for each seed, whichever of two or more methods had the lowest validation MAE: what
    a user who trains them (e.g. TL and a mixture) and keeps the best validated model gets. The runs may come from several
    result files.
.EXAMPLE
    ./examples/validation-choice.ps1 -ResultPath results/table3-fast.jsonl
.EXAMPLE
    ./examples/validation-choice.ps1 -ResultPath results/table3-fast.jsonl -Candidates TL, 'MoE:epochs=200; patience=50; topK=2; gateStart=Probe'
.EXAMPLE
    # README's default: TL from mp_eform, TL from TensorNet, MoE-18 and MoE-19 (k = 4, probe), from both Table 3 result files.
    $nineteen = (Get-Content examples/table3-tensornet.yaml | Select-String 'extractors: &nineteen \[(.*)\]').Matches[0].Groups[1].Value -replace ', ', ','
    ./examples/validation-choice.ps1 -ResultPath results/table3-fast.jsonl, results/table3-tensornet.jsonl -Candidates TL,
        'TL:epochs=200; patience=50; transferFrom=tensornet_matpes_pbe', MoE, "MoE:epochs=200; patience=50; topK=4; extractors=$nineteen; gateStart=Probe"
#>
param(
    [Parameter(Mandatory)] [string[]] $ResultPath,
    # Each candidate is a method, or method:settings to pick one variant of it (the Settings text of its results).
    [string[]] $Candidates = @('TL', 'MoE'),
    # The settings of a candidate given as a method alone; the Fast preset's by default.
    [string] $Settings = 'epochs=200; patience=50'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')
. (Join-Path $PSScriptRoot 'Select-ByValidation.ps1')

$results = @($ResultPath | ForEach-Object { [MoePS.Engine.Benchmarks.ResultStore]::new((Resolve-Path $_).Path).ReadAll() })
Select-ByValidation -Result $results -Candidates $Candidates -Settings $Settings
