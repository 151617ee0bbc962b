#Requires -Version 7.4
<#
.SYNOPSIS
    README's accuracy table (section "Accuracy", the whole Table 3 with the Fast preset) as markdown, from the committed
    result files: STL, TL from mp_eform, MoE-18 and the default per task beside the paper's Table 3 and MoMa (Full), the
    default being, on each seed, whichever of TL from mp_eform, TL from TensorNet fine-tuned, MoE-18 and MoE-19 (k = 4,
    probe) fine-tuned had the lowest validation MAE (a seed counts where all four ran it); and, when
    results/table3-tensornet.jsonl has runs, a second table for TL from TensorNet and the 19-expert mixtures, and a third
    for the frozen rule (the default until 2026-12-06): the same four with TensorNet's last block frozen, with its paired
    wins against TL, STL and MoE-18 and whether its 5-seed mean is at or below the paper's MoE-18; a fourth, when
    examples/table3-tensornet-k.yaml has run, for MoE-19 (probe) with k chosen per seed by validation among 1, 2 and 4;
    a fifth, when runs with TensorNet's last block fine-tuned exist, for TL from TensorNet and MoE-19 (k = 4, probe)
    with it, each against itself with the block frozen, MoE-18 and TL; and a sixth, where all four of its candidates ran,
    for the default as the third is for the frozen rule.
.DESCRIPTION
    Rows follow the tasks of the plan (examples/table3-fast.yaml), which also gives the seeds and the recipe (the Fast
    preset's settings). Means, sample standard deviations (n − 1) and paired seeds won come from Measure-MoeBenchmark and
    the engine's BenchmarkStatistics; the default, the frozen rule and k by validation from the engine's ValidationChoice (what
    Measure-ValidatedChoice computes) over the runs of their columns; the paper's mean ± std (population stds) from the engine's PaperResults, MoMa's from
    its MomaResults. A method with fewer seeds than the plan shows its mean with "(n/5)"; one not run shows "–", and a task
    none of whose three methods ran says "not run yet". Our numbers are to three significant digits.

    The run sets are told apart by Measure-MoeBenchmark's summaries: STL; TL whose Extractors is mp_eform; MoE-18 (18
    extractors, k = 18, the paper's gate); TL from TensorNet; MoE-19 (the 18 and TensorNet) with k = 19 and the paper's
    gate; MoE-19 with k = 4, 2 and 1 and the probe-started gate; TL from TensorNet and MoE-19 (k = 4, probe) with
    tensorNetLastBlock=FineTuned. Each with the plan's recipe and no other setting.
.EXAMPLE
    ./examples/accuracy-table.ps1
.EXAMPLE
    ./examples/accuracy-table.ps1 -ResultPath results/table3-fast.jsonl -TensorNetResultPath results/table3-tensornet.jsonl
#>
param(
    [string] $ResultPath = (Join-Path $PSScriptRoot '../results/table3-fast.jsonl'),
    # Read when it exists; its runs may also be in -ResultPath.
    [string] $TensorNetResultPath = (Join-Path $PSScriptRoot '../results/table3-tensornet.jsonl'),
    # The plan whose tasks (in order), seeds and recipe the table follows.
    [string] $Plan = (Join-Path $PSScriptRoot 'table3-fast.yaml'),
    # The TensorNet expert's name, as result files write it.
    [string] $TensorNet = 'tensornet_matpes_pbe'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')

$invariant = [cultureinfo]::InvariantCulture
$planned = [MoePS.Engine.Benchmarks.ExperimentPlanReader]::Load((Resolve-Path $Plan).Path)
$seeds = $planned.Seeds.Count
$recipe = ($planned.Methods | Where-Object Method -eq 'STL' | Select-Object -First 1).Settings.Describe('STL')
$source = [MoePS.Engine.Benchmarks.PaperResults]::Table3TransferSource
$paperCount = [MoePS.Engine.Benchmarks.PaperResults]::AllExtractors

$results = @(foreach ($path in $ResultPath, $TensorNetResultPath | Select-Object -Unique) {
    if ($path -eq $ResultPath -or (Test-Path $path)) {
        [MoePS.Engine.Benchmarks.ResultStore]::new((Resolve-Path $path).Path).ReadAll()
    }
})
$summaries = @($results | Measure-MoeBenchmark)

# The settings that name a variant (TL's source, the mixture's k, extractors and gate start, a fine-tuned TensorNet block):
# a run set with any other setting beside the recipe (a normalisation, another head) is not one of the table's.
$variantKeys = 'transferFrom', 'topK', 'extractors', 'gateStart', 'tensorNetLastBlock'
function Test-OnlyVariant($Summary) {
    if ($Summary.Recipe -ne $recipe) { return $false }
    foreach ($pair in [MoePS.Engine.Benchmarks.BenchmarkHyperparameters]::PairsOf($Summary.Settings)) {
        $key = ($pair -split '=', 2)[0]
        if ($pair -notin [MoePS.Engine.Benchmarks.BenchmarkHyperparameters]::PairsOf($recipe) -and $key -notin $variantKeys) { return $false }
    }
    $true
}

# The one summary of $Task that $Where selects, or $null; two are an error (the table would not say which it shows).
function Get-RunSet([string] $Task, [scriptblock] $Where) {
    $found = @($summaries | Where-Object { $_.Task -eq $Task -and (Test-OnlyVariant $_) } | Where-Object $Where)
    if ($found.Count -gt 1) { throw "$Task has $($found.Count) run sets that fit one column: $($found -join '; ')" }
    $found | Select-Object -First 1
}

function Test-HasTensorNet($Summary) { ($Summary.Extractors -split ',') -contains $TensorNet }

function Test-FineTuned($Summary) {
    [MoePS.Engine.Benchmarks.BenchmarkHyperparameters]::PairOf($Summary.Settings, [MoePS.Engine.Settings.RunSettings]::TensorNetLastBlock) -eq 'tensorNetLastBlock=FineTuned'
}

function Get-Columns([string] $Task) {
    $mixtures = $paperCount + 1
    [pscustomobject]@{
        STL = Get-RunSet $Task { $_.Method -eq 'STL' }
        TL = Get-RunSet $Task { $_.Method -eq 'TL' -and $_.Extractors -eq $source }
        MoE18 = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $paperCount -and $_.TopK -eq $paperCount -and $_.GateStart -eq 'Ones' -and -not (Test-HasTensorNet $_) }
        TLTensorNet = Get-RunSet $Task { $_.Method -eq 'TL' -and $_.Extractors -eq $TensorNet -and -not (Test-FineTuned $_) }
        MoE19 = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $mixtures -and (Test-HasTensorNet $_) -and $_.TopK -eq $mixtures -and $_.GateStart -eq 'Ones' -and -not (Test-FineTuned $_) }
        MoE19Probe = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $mixtures -and (Test-HasTensorNet $_) -and $_.TopK -eq 4 -and $_.GateStart -eq 'Probe' -and -not (Test-FineTuned $_) }
        MoE19K1 = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $mixtures -and (Test-HasTensorNet $_) -and $_.TopK -eq 1 -and $_.GateStart -eq 'Probe' -and -not (Test-FineTuned $_) }
        MoE19K2 = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $mixtures -and (Test-HasTensorNet $_) -and $_.TopK -eq 2 -and $_.GateStart -eq 'Probe' -and -not (Test-FineTuned $_) }
        TLTensorNetTuned = Get-RunSet $Task { $_.Method -eq 'TL' -and $_.Extractors -eq $TensorNet -and (Test-FineTuned $_) }
        MoE19ProbeTuned = Get-RunSet $Task { $_.Method -eq 'MoE' -and $_.ExtractorCount -eq $mixtures -and (Test-HasTensorNet $_) -and $_.TopK -eq 4 -and $_.GateStart -eq 'Probe' -and (Test-FineTuned $_) }
    }
}

# Three significant digits, no exponent below 1000.
function Format-Mae([double] $Value) {
    if ([math]::Abs($Value) -ge 1000) { return [math]::Round($Value).ToString($invariant) }
    $Value.ToString('G3', $invariant)
}

# Mean ± sample std over the plan's seeds; the mean and "(n/5)" with fewer; "–" when not run.
function Format-RunSet($Summary) {
    if (-not $Summary) { return '–' }
    if ($Summary.Seeds -lt $seeds -or $null -eq $Summary.StdTestMAE) { return "$(Format-Mae $Summary.MeanTestMAE) ($($Summary.Seeds)/$seeds)" }
    "$(Format-Mae $Summary.MeanTestMAE) ± $(Format-Mae $Summary.StdTestMAE)"
}

# $Ours against $Baseline seed by seed over the seeds both ran (a PairedComparison), or $null when either did not run.
function Compare-RunSet($Ours, $Baseline) {
    if (-not $Ours -or -not $Baseline) { return $null }
    [MoePS.Engine.Benchmarks.BenchmarkStatistics]::Compare([MoePS.Engine.Benchmarks.BenchmarkResult[]]$results, $Ours, $Baseline)
}

# Paired seeds won, "3/5"; "–" without a comparison.
function Format-Wins($Paired) { if ($Paired) { "$($Paired.Better)/$($Paired.Seeds)" } else { '–' } }

function Format-Paper([MoePS.Engine.Benchmarks.PaperValue] $Value) { [MoePS.Engine.Benchmarks.MeanStdFormat]::Format($Value.Mean, $Value.Std) }

$columns = [ordered]@{}
foreach ($task in $planned.Tasks) { $columns[$task] = Get-Columns $task }

function Get-Runs($Summary) { [MoePS.Engine.Benchmarks.BenchmarkStatistics]::RunsOf([MoePS.Engine.Benchmarks.BenchmarkResult[]]$results, $Summary) }

# Per seed, the validated best of the named run sets of $Task (label => column), on the seeds where all of them ran (the
# engine's ValidationChoice, as Measure-ValidatedChoice); $null when one of them did not run. Each kept run carries its label.
function Select-Kept([string] $Task, [Collections.Specialized.OrderedDictionary] $Candidates) {
    $c = $columns[$Task]
    if ($Candidates.Values | Where-Object { -not $c.$_ }) { return $null }
    $labels = @{}
    $runs = foreach ($label in $Candidates.Keys) { $set = $c.($Candidates[$label]); $labels[$set.Variant] = $label; Get-Runs $set }
    $variants = [string[]]@($Candidates.Values | ForEach-Object { $c.$_.Variant })
    , @([MoePS.Engine.Benchmarks.ValidationChoice]::Choose([MoePS.Engine.Benchmarks.BenchmarkResult[]]@($runs), $variants) |
        ForEach-Object { [pscustomobject]@{ Candidate = $labels[$_.Kept]; Seed = $_.Seed; Run = $_.Run } })
}

# Mean ± sample std of kept runs' test MAEs over the plan's seeds; the mean and "(n/5)" with fewer.
function Format-Kept($Chosen) {
    $maes = @($Chosen | ForEach-Object { $_.Run.TestMAE })
    $mean = ($maes | Measure-Object -Average).Average
    if ($maes.Count -lt $seeds) { return "$(Format-Mae $mean) ($($maes.Count)/$seeds)" }
    $std = [math]::Sqrt(($maes | ForEach-Object { ($_ - $mean) * ($_ - $mean) } | Measure-Object -Sum).Sum / ($maes.Count - 1))
    "$(Format-Mae $mean) ± $(Format-Mae $std)"
}

# Kept runs against a run set seed by seed over the seeds both have: Better and Seeds, as a PairedComparison; $null if none.
function Compare-Kept($Chosen, $Baseline) {
    if (-not $Baseline) { return $null }
    $theirs = @{}
    foreach ($run in Get-Runs $Baseline) { $theirs[$run.Seed] = $run.TestMAE }
    $paired = @($Chosen | Where-Object { $theirs.ContainsKey($_.Run.Seed) })
    if (-not $paired) { return $null }
    [pscustomobject]@{ Better = @($paired | Where-Object { $_.Run.TestMAE -lt $theirs[$_.Run.Seed] }).Count; Seeds = $paired.Count }
}

# The default: per seed, whichever of TL from mp_eform, TL from TensorNet fine-tuned, MoE-18 and MoE-19 (k = 4, probe)
# fine-tuned validated best.
$defaultCandidates = [ordered]@{ TL = 'TL'; TNft = 'TLTensorNetTuned'; M18 = 'MoE18'; M19ft = 'MoE19ProbeTuned' }

'| task | unit | STL | TL | MoE-18 | default | MoE-18 wins vs TL / STL | default wins vs TL / STL | paper STL / TL / MoE-18 | MoMa (Full) |'
'|---|---|---|---|---|---|---|---|---|---|'
foreach ($task in $planned.Tasks) {
    $c = $columns[$task]
    $paperRow = [MoePS.Engine.Benchmarks.PaperResults]::Table3Row($task)
    $paper = if ($paperRow) { ($paperRow.STL, $paperRow.TL, $paperRow.MoE | ForEach-Object { Format-Paper $_ }) -join ' / ' } else { '–' }
    $moma = [MoePS.Engine.Benchmarks.MomaResults]::FullFor($task)
    $moma = if ($null -ne $moma) { Format-Mae $moma } else { '–' }
    if (-not ($c.STL -or $c.TL -or $c.MoE18)) {
        "| $task | | not run yet | | | | | | $paper | $moma |"
        continue
    }
    $unit = @($c.STL, $c.TL, $c.MoE18 | Where-Object { $_ -and $_.Unit } | ForEach-Object Unit)[0]
    $kept = Select-Kept $task $defaultCandidates
    $default = if ($kept) { Format-Kept $kept } else { '–' }
    $wins = "$(Format-Wins (Compare-RunSet $c.MoE18 $c.TL)) / $(Format-Wins (Compare-RunSet $c.MoE18 $c.STL))"
    $defaultWins = if ($kept) { "$(Format-Wins (Compare-Kept $kept $c.TL)) / $(Format-Wins (Compare-Kept $kept $c.STL))" } else { '– / –' }
    "| $task | $unit | $(Format-RunSet $c.STL) | $(Format-RunSet $c.TL) | $(Format-RunSet $c.MoE18) | $default | $wins | $defaultWins | $paper | $moma |"
}

# TL from TensorNet and the 19-expert mixtures, each against MoE-18 and TL from mp_eform, seed by seed.
$tensorNetColumns = 'TLTensorNet', 'MoE19', 'MoE19Probe'
if (-not ($columns.Values | Where-Object { $c = $_; $tensorNetColumns | Where-Object { $c.$_ } })) { return }
$won = @{}
foreach ($name in $tensorNetColumns) { $won[$name] = [pscustomobject]@{ VersusMoE18 = 0; PairedMoE18 = 0; VersusTL = 0; PairedTL = 0 } }
''
'| task | unit | TL from TensorNet | wins vs MoE-18 / TL | MoE-19 (k = 19) | wins vs MoE-18 / TL | MoE-19 (k = 4, probe) | wins vs MoE-18 / TL |'
'|---|---|---|---|---|---|---|---|'
foreach ($task in $planned.Tasks) {
    $c = $columns[$task]
    if (-not ($tensorNetColumns | Where-Object { $c.$_ })) {
        "| $task | | not run yet | | | | | |"
        continue
    }
    $unit = @($tensorNetColumns | ForEach-Object { $c.$_ } | Where-Object { $_ -and $_.Unit } | ForEach-Object Unit)[0]
    $cells = foreach ($name in $tensorNetColumns) {
        $versus = foreach ($baseline in 'MoE18', 'TL') {
            $paired = Compare-RunSet $c.$name $c.$baseline
            if ($paired) {
                $won[$name]."Versus$baseline" += $paired.Better
                $won[$name]."Paired$baseline" += $paired.Seeds
            }
            Format-Wins $paired
        }
        Format-RunSet $c.$name
        $versus -join ' / '
    }
    "| $task | $unit | $($cells -join ' | ') |"
}
$totals = foreach ($name in $tensorNetColumns) { $w = $won[$name]; '', "$($w.VersusMoE18)/$($w.PairedMoE18) / $($w.VersusTL)/$($w.PairedTL)" }
"| all tasks | |$(($totals | ForEach-Object { if ($_) { " $_ |" } else { ' |' } }) -join '')"

# Adds a comparison's counts to the totals under Versus<name> and Paired<name>, and formats it.
function Add-Wins([hashtable] $Total, [string] $Name, $Paired) {
    if ($Paired) { $Total["Versus$Name"] += $Paired.Better; $Total["Paired$Name"] += $Paired.Seeds }
    Format-Wins $Paired
}
function Format-Total([hashtable] $Total, [string] $Name) { "$([int]$Total["Versus$Name"])/$([int]$Total["Paired$Name"])" }

# Per task where all of $Candidates ran (label => column): per seed, whichever validated best (a tie to the earlier of them
# in that order), with its paired wins against TL, STL and MoE-18 and whether its 5-seed mean is at or below the paper's
# MoE-18; nothing when no task has all of them.
function Write-KeptTable([string] $Heading, [Collections.Specialized.OrderedDictionary] $Candidates) {
    $kept = [ordered]@{}
    foreach ($task in $planned.Tasks) { if ($chosen = Select-Kept $task $Candidates) { $kept[$task] = $chosen } }
    if (-not $kept.Count) { return }
    ''
    "| task | unit | $Heading | kept, by seed | wins vs TL / STL / MoE-18 | ≤ paper MoE-18 |"
    '|---|---|---|---|---|---|'
    $total = @{ AtOrBelow = 0; Complete = 0 }
    foreach ($task in $kept.Keys) {
        $chosen = $kept[$task]
        $c = $columns[$task]
        $versus = foreach ($baseline in 'TL', 'STL', 'MoE18') { Add-Wins $total $baseline (Compare-Kept $chosen $c.$baseline) }
        $mean = ($chosen | ForEach-Object { $_.Run.TestMAE } | Measure-Object -Average).Average
        $atOrBelow = '–'
        if ($chosen.Count -eq $seeds) {
            $total.Complete++
            $atOrBelow = if ($mean -le [MoePS.Engine.Benchmarks.PaperResults]::Table3Row($task).MoE.Mean) { $total.AtOrBelow++; 'yes' } else { 'no' }
        }
        "| $task | $($c.TL.Unit) | $(Format-Kept $chosen) | $($chosen.Candidate -join ', ') | $($versus -join ' / ') | $atOrBelow |"
    }
    "| all tasks | | | | $(('TL', 'STL', 'MoE18' | ForEach-Object { Format-Total $total $_ }) -join ' / ') | $($total.AtOrBelow) of $($total.Complete) |"
}

# The frozen rule (the default until 2026-12-06): the same four with TensorNet's last block frozen.
Write-KeptTable 'frozen rule: the validated best of TL, TL from TensorNet, MoE-18, MoE-19 (k = 4, probe)' ([ordered]@{ TL = 'TL'; TN = 'TLTensorNet'; M18 = 'MoE18'; M19 = 'MoE19Probe' })

# MoE-19 with the probe-started gate, k chosen per seed by validation among 1, 2 and 4 (a tie to the smaller k).
$byK = [ordered]@{ '1' = 'MoE19K1'; '2' = 'MoE19K2'; '4' = 'MoE19Probe' }   # string keys: an int indexes by position
$keptK = [ordered]@{}
foreach ($task in $planned.Tasks) { if ($chosen = Select-Kept $task $byK) { $keptK[$task] = $chosen } }
if ($keptK.Count) {
    ''
    '| task | unit | MoE-19 (probe), k = 1 | k = 2 | k = 4 | k by validation | k kept, by seed | wins vs MoE-18 / TL / k = 4 |'
    '|---|---|---|---|---|---|---|---|'
    $total = @{}
    foreach ($task in $keptK.Keys) {
        $chosen = $keptK[$task]
        $c = $columns[$task]
        $versus = foreach ($baseline in 'MoE18', 'TL', 'MoE19Probe') { Add-Wins $total $baseline (Compare-Kept $chosen $c.$baseline) }
        "| $task | $($c.MoE19Probe.Unit) | $(Format-RunSet $c.MoE19K1) | $(Format-RunSet $c.MoE19K2) | $(Format-RunSet $c.MoE19Probe) | $(Format-Kept $chosen) | $($chosen.Candidate -join ', ') | $($versus -join ' / ') |"
    }
    "| all tasks | | | | | | | $(('MoE18', 'TL', 'MoE19Probe' | ForEach-Object { Format-Total $total $_ }) -join ' / ') |"
}

# TensorNet's last block fine-tuned: TL from TensorNet and MoE-19 (k = 4, probe) once more, each against itself with the
# block frozen, MoE-18 and TL from mp_eform, seed by seed.
$tuned = [ordered]@{ TLTensorNetTuned = 'TLTensorNet'; MoE19ProbeTuned = 'MoE19Probe' }
if (-not ($columns.Values | Where-Object { $c = $_; $tuned.Keys | Where-Object { $c.$_ } })) { return }
''
'| task | unit | TL from TensorNet, last block fine-tuned | wins vs frozen / MoE-18 / TL | MoE-19 (k = 4, probe), last block fine-tuned | wins vs frozen / MoE-18 / TL |'
'|---|---|---|---|---|---|'
$total = @{}
foreach ($task in $planned.Tasks) {
    $c = $columns[$task]
    if (-not ($tuned.Keys | Where-Object { $c.$_ })) {
        "| $task | | not run yet | | | |"
        continue
    }
    $unit = @($tuned.Keys | ForEach-Object { $c.$_ } | Where-Object { $_ -and $_.Unit } | ForEach-Object Unit)[0]
    $cells = foreach ($name in $tuned.Keys) {
        Format-RunSet $c.$name
        $versus = foreach ($baseline in $tuned[$name], 'MoE18', 'TL') { Add-Wins $total "$name-$baseline" (Compare-RunSet $c.$name $c.$baseline) }
        $versus -join ' / '
    }
    "| $task | $unit | $($cells -join ' | ') |"
}
$totals = foreach ($name in $tuned.Keys) { '', (($tuned[$name], 'MoE18', 'TL' | ForEach-Object { Format-Total $total "$name-$_" }) -join ' / ') }
"| all tasks | |$(($totals | ForEach-Object { if ($_) { " $_ |" } else { ' |' } }) -join '')"

# The default in full: the frozen rule's four with TL from TensorNet and MoE-19 (k = 4, probe) fine-tuned in their place.
Write-KeptTable 'default: the validated best of TL, TL from TensorNet fine-tuned, MoE-18, MoE-19 (k = 4, probe) fine-tuned' $defaultCandidates
