#Requires -Version 7.4
# Dot-sourced by examples/validation-choice.ps1 and examples/accuracy-table.ps1: defines Select-ByValidation.

function Select-ByValidation {
    <#
    .SYNOPSIS
        Per task, the test MAE of keeping, for each seed, whichever of two or more methods had the lower validation MAE: what a
        user who trains both (e.g. TL and a mixture) and keeps the better validated model gets.
    .DESCRIPTION
        Only seeds on which every candidate ran count. Outputs per task: Task, Seeds (those seeds), MeanTestMAE (of the kept
        runs) and Kept (the candidate kept on each seed, by seed).
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
    $runs = foreach ($r in $Result) {
        $candidate = $wanted | Where-Object { $_.Method -eq $r.Method -and $_.Settings -eq $r.Settings } | Select-Object -First 1
        if ($candidate) { [pscustomobject]@{ Task = $r.Task; Seed = $r.Seed; Candidate = $candidate.Name; TestMAE = $r.TestMAE; ValMAE = $r.ValMAE } }
    }
    $runs | Group-Object Task, Seed | Where-Object Count -eq $wanted.Count | ForEach-Object {
        $_.Group | Sort-Object ValMAE | Select-Object -First 1
    } | Group-Object Task | ForEach-Object {
        [pscustomobject]@{
            Task = $_.Name
            Seeds = $_.Count
            MeanTestMAE = ($_.Group | Measure-Object TestMAE -Average).Average
            Kept = ($_.Group | Sort-Object Seed | ForEach-Object Candidate) -join ', '
        }
    }
}
