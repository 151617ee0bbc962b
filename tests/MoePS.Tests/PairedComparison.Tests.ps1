BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Folder = New-TestFolder
    $script:Script = Join-Path $PSScriptRoot '../../examples/paired-comparison.ps1'

    # TEST FIXTURES, not measured results: hand-made runs of two mixtures (one head per expert, and the projection) on two
    # tasks, and a third task only one of them ran.
    function New-Runs([string] $Task, [string] $Method, [double[]] $TestMAE) {
        for ($seed = 0; $seed -lt $TestMAE.Count; $seed++) {
            [ordered]@{
                Task = $Task; Method = $Method; Seed = $seed; Rows = 120; TestMAE = $TestMAE[$seed]; ValMAE = 0.7; Unit = 'eV'
                BestEpoch = 10; Epochs = 60; Seconds = 1.0; Device = 'cpu'; TopK = 4; Extractors = 'a,b,c,d,e'
                Split = "seed$seed.json[$Task]"; ConfigHash = "h-$Method"; Settings = 'epochs=200; patience=50; topK=4'
                Finished = '2026-12-05T02:00:00+00:00'; GateScoreDictionary = @{}
            } | ConvertTo-Json -Compress
        }
    }
    $script:Heads = Join-Path $Folder 'heads.jsonl'
    Set-Content $Heads -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_gap_tbmbj Ensemble 1.0, 2.0, 3.0
        New-Runs jarvis_2d_eform Ensemble 0.1, 0.2
        New-Runs jarvis_2d_gap_opt Ensemble 0.5
    )
    $script:Projection = Join-Path $Folder 'projection.jsonl'
    Set-Content $Projection -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_gap_tbmbj MoE 1.5, 1.5, 1.5, 1.5
        New-Runs jarvis_2d_eform MoE 0.3, 0.1
    )
    $script:Table = @(& $Script -ResultPath $Heads, $Projection -Ours { $_.Method -eq 'Ensemble' } -Baseline { $_.Method -eq 'MoE' } `
        -OursName heads -BaselineName projection)
}

AfterAll { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }

Describe 'examples/paired-comparison.ps1' {
    It 'gives both means over the seeds both ran, the seeds won, and the totals, leaving out a task only one ran' {
        $Table[0] | Should -Be '| task | heads | projection | seeds won by heads |'
        # gap_tbmbj: seeds 0-2 (the projection's seed 3 has no partner): 2 against 1.5, won on seed 0; eform: 0.15 against
        # 0.2, won on seed 0, lost on seed 1.
        $Table | Should -Contain '| jarvis_2d_gap_tbmbj | 2 | 1.5 | 1/3 |'
        $Table | Should -Contain '| jarvis_2d_eform | 0.15 | 0.2 | 1/2 |'
        $Table[-1] | Should -Be '| all tasks | | | 2/5 |'
        $Table.Count | Should -Be 5
    }

    It 'refuses a selection that fits two run sets of one task' {
        { & $Script -ResultPath $Heads, $Projection -Ours { $true } -Baseline { $_.Method -eq 'MoE' } } | Should -Throw '*run sets for ours*'
    }
}
