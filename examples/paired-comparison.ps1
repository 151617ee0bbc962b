#Requires -Version 7.4
<#
.SYNOPSIS
    Two run sets compared task by task from result files, as markdown: each one's mean test MAE over the seeds both ran, and
    on how many of those seeds the first was lower; a last row with the totals.
.DESCRIPTION
    -Ours and -Baseline select one run set (a summary of Measure-MoeBenchmark: Task, Method, Variant, Extractors, TopK,
    GateStart, Settings, …) per task; a task where either selects none is left out, one where either selects several is an
    error.
.EXAMPLE
    # The 19-expert mixture with one head per expert against the same mixture with a learned projection to a common width:
    ./examples/paired-comparison.ps1 -ResultPath results/expert-heads.jsonl, results/table3-tensornet.jsonl `
        -Ours { $_.Method -eq 'Ensemble' } -Baseline { $_.Method -eq 'MoE' -and $_.TopK -eq 4 } -OursName 'per-expert heads' -BaselineName 'projection'
#>
param(
    [Parameter(Mandatory)] [string[]] $ResultPath,
    [Parameter(Mandatory)] [scriptblock] $Ours,
    [Parameter(Mandatory)] [scriptblock] $Baseline,
    [string] $OursName = 'ours',
    [string] $BaselineName = 'baseline'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')

$results = @($ResultPath | ForEach-Object { [MoePS.Engine.Benchmarks.ResultStore]::new((Resolve-Path $_).Path).ReadAll() })
$summaries = @($results | Measure-MoeBenchmark)
$invariant = [cultureinfo]::InvariantCulture

# Test MAE by seed of one run set (the later run of a seed, as the summaries count it).
function Get-BySeed($Summary) {
    $bySeed = @{}
    foreach ($run in [MoePS.Engine.Benchmarks.BenchmarkStatistics]::RunsOf([MoePS.Engine.Benchmarks.BenchmarkResult[]]$results, $Summary)) {
        $bySeed[$run.Seed] = $run.TestMAE
    }
    $bySeed
}

function Select-One([string] $Task, [scriptblock] $Where, [string] $Name) {
    $found = @($summaries | Where-Object Task -eq $Task | Where-Object $Where)
    if ($found.Count -gt 1) { throw "$Task has $($found.Count) run sets for $Name`: $($found.Variant -join '; ')" }
    $found | Select-Object -First 1
}

"| task | $OursName | $BaselineName | seeds won by $OursName |"
'|---|---|---|---|'
$won = 0
$paired = 0
foreach ($task in $summaries.Task | Select-Object -Unique) {
    $a = Select-One $task $Ours $OursName
    $b = Select-One $task $Baseline $BaselineName
    if (-not $a -or -not $b) { continue }
    $first = Get-BySeed $a
    $second = Get-BySeed $b
    $seeds = @($first.Keys | Where-Object { $second.ContainsKey($_) })
    if (-not $seeds) { continue }
    $better = @($seeds | Where-Object { $first[$_] -lt $second[$_] }).Count
    $won += $better
    $paired += $seeds.Count
    $means = $first, $second | ForEach-Object { $bySeed = $_; ($seeds | ForEach-Object { $bySeed[$_] } | Measure-Object -Average).Average.ToString('G3', $invariant) }
    "| $task | $($means[0]) | $($means[1]) | $better/$($seeds.Count) |"
}
"| all tasks | | | $won/$paired |"
