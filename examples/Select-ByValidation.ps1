#Requires -Version 7.4
# Dot-sourced by examples/validation-choice.ps1 and examples/accuracy-table.ps1: defines Select-ValidatedRun and
# Select-ByValidation.

function Select-ValidatedRun {
    <#
    .SYNOPSIS
        Per seed, the run with the lowest validation MAE among the candidates, on the seeds where every candidate ran; a tie
        goes to the earlier candidate. Outputs Candidate (its name), Seed and Run, by seed.
    .EXAMPLE
        Select-ValidatedRun -Candidates ([ordered]@{ TL = $tlRuns; MoE = $moeRuns })
    #>
    param(
        # Name → runs (BenchmarkResult, at most one per seed), in the order that settles ties.
        [Parameter(Mandatory)] [Collections.Specialized.OrderedDictionary] $Candidates
    )
    $bySeed = @{}
    $order = 0
    foreach ($name in $Candidates.Keys) {
        foreach ($run in $Candidates[$name]) {
            if (-not $bySeed.ContainsKey($run.Seed)) { $bySeed[$run.Seed] = [Collections.Generic.List[object]]::new() }
            $bySeed[$run.Seed].Add([pscustomobject]@{ Candidate = $name; Seed = $run.Seed; Run = $run; Order = $order })
        }
        $order++
    }
    foreach ($seed in $bySeed.Keys | Sort-Object) {
        if ($bySeed[$seed].Count -ne $Candidates.Count) { continue }
        $bySeed[$seed] | Sort-Object { $_.Run.ValMAE }, Order | Select-Object -First 1 Candidate, Seed, Run
    }
}

function Select-ByValidation {
    <#
    .SYNOPSIS
        Per task, the test MAE of keeping, for each seed, whichever of two or more methods had the lower validation MAE: what a
        user who trains both (e.g. TL and a mixture) and keeps the better validated model gets.
    .DESCRIPTION
        Only seeds on which every candidate ran count; a seed a candidate ran twice counts its later run. Outputs per task:
        Task, Seeds (those seeds), MeanTestMAE (of the kept runs) and Kept (the candidate kept on each seed, by seed).
    .EXAMPLE
        Select-ByValidation -Result ([MoePS.Engine.Benchmarks.ResultStore]::new('results/table3-fast.jsonl').ReadAll())
    #>
    param(
        [Parameter(Mandatory)] [AllowEmptyCollection()] [MoePS.Engine.Benchmarks.BenchmarkResult[]] $Result,
        # Each candidate is a method, or method:settings to pick one variant of it (the Settings text of its results).
        [string[]] $Candidates = @('TL', 'MoE'),
        # The settings of a candidate given as a method alone; the Fast preset's by default.
        [string] $Settings = 'epochs=200; patience=50'
    )
    $wanted = foreach ($c in $Candidates) {
        $method, $text = $c -split ':', 2
        [pscustomobject]@{ Name = $c; Method = $method; Settings = $text ?? $Settings }
    }
    foreach ($task in $Result | Group-Object Task) {
        $runs = [ordered]@{}
        foreach ($w in $wanted) {
            $runs[$w.Name] = @($task.Group | Where-Object { $_.Method -eq $w.Method -and $_.Settings -eq $w.Settings } |
                Group-Object Seed | ForEach-Object { $_.Group[-1] })
        }
        $kept = @(Select-ValidatedRun -Candidates $runs)
        if (-not $kept) { continue }
        [pscustomobject]@{
            Task = $task.Name
            Seeds = $kept.Count
            MeanTestMAE = ($kept.Run | Measure-Object TestMAE -Average).Average
            Kept = $kept.Candidate -join ', '
        }
    }
}
