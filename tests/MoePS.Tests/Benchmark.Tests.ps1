BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Folder = New-TestFolder
    $script:ResultFile = Join-Path $Folder 'bench.jsonl'

    # 2 tasks x 2 methods x 1 seed, a few epochs: a real (tiny) benchmark of the paper's 120-row tasks.
    $script:Tasks = 'jarvis_2d_gap_tbmbj', 'jarvis_2d_dielectric_tbmbj'
    $script:Extractors = 'mp_eform', 'mp_bandgap', 'jarvis_eform'
    $script:Bench = @{
        Task = $Tasks; Method = 'STL', 'MoE'; Seed = 0; TopK = 2; Extractor = $Extractors
        Epochs = 3; Patience = 3; Device = 'cpu'
    }
    $script:Planned = 4

    function Get-RunKey($Result) { '{0}/{1}/{2}/{3}' -f $Result.Task, $Result.Method, $Result.Seed, $Result.ConfigHash }

    # The same benchmark in a second PowerShell, to be killed part-way: the engine must lose only the run in progress.
    function Start-BenchmarkProcess([string] $ResultPath) {
        $script = Join-Path $Folder 'child.ps1'
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Invoke-MoeBenchmark -Task $($Tasks -join ',') -Method STL, MoE -Seed 0 -TopK 2 -Extractor $($Extractors -join ',') -Epochs 3 -Patience 3 -Device cpu -ResultPath '$ResultPath' | Out-Null
"@
        $child = Get-PwshCommandLine -Arguments '-File', $script
        Start-Process -FilePath $child.FilePath -ArgumentList $child.Arguments -PassThru -RedirectStandardOutput (Join-Path $Folder 'child.out') -RedirectStandardError (Join-Path $Folder 'child.err')
    }

    # The file's complete lines. A benchmark appending to it holds an exclusive lock that fails every
    # other open meanwhile (flock; ResultStore's readers wait for it too): read again when it is gone.
    function Get-ResultLines([string] $Path) {
        if (-not (Test-Path $Path)) { return @() }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while ($true) {
            try { return @(Get-Content $Path -ErrorAction Stop | Where-Object { $_ -match '\}\s*$' }) }
            catch [System.IO.IOException] {
                if ($clock.Elapsed.TotalSeconds -gt 60) { throw }
                Start-Sleep -Milliseconds 20
            }
        }
    }
}

AfterAll { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }

Describe 'Invoke-MoeBenchmark, killed and resumed' {
    BeforeAll {
        $child = Start-BenchmarkProcess $ResultFile
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while ((Get-ResultLines $ResultFile).Count -lt 1 -and -not $child.HasExited -and $clock.Elapsed.TotalSeconds -lt 180) {
            Start-Sleep -Milliseconds 200
        }
        $script:ChildExitedByItself = $child.HasExited
        if (-not $child.HasExited) { Stop-Process -Id $child.Id -Force; $child.WaitForExit() }
        $script:BeforeResume = @((Get-ResultLines $ResultFile) | ForEach-Object { Get-RunKey ($_ | ConvertFrom-Json) })
        $script:Resumed = @(Invoke-MoeBenchmark @Bench -ResultPath $ResultFile -Verbose 4>&1)
        $script:Results = @($Resumed | Where-Object { $_ -is [MoePS.Engine.Benchmarks.BenchmarkResult] })
        $script:Verbose = @($Resumed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }

    It 'was killed after its first result and before its last' {
        $ChildExitedByItself | Should -BeFalse -Because (Get-Content -Raw (Join-Path $Folder 'child.err') -ErrorAction SilentlyContinue)
        $BeforeResume.Count | Should -BeGreaterOrEqual 1
        $BeforeResume.Count | Should -BeLessThan $Planned
    }

    It 'resumes without redoing finished runs: every planned run once in the file' {
        $trained = @($Results | Where-Object { -not $_.FromResultFile })
        $trained.Count | Should -Be ($Planned - $BeforeResume.Count)
        foreach ($r in $trained) { $BeforeResume | Should -Not -Contain (Get-RunKey $r) }
        $Verbose | Should -Contain "Skipping $($BeforeResume.Count) of $Planned runs already in $ResultFile`:"
        $keys = @(Get-Content $ResultFile | ForEach-Object { Get-RunKey ($_ | ConvertFrom-Json) })
        $keys.Count | Should -Be $Planned
        @($keys | Sort-Object -Unique).Count | Should -Be $Planned
    }

    It 'outputs the whole plan in plan order, the runs done before read back from the result file and marked' {
        ($Results | ForEach-Object { "$($_.Task)/$($_.Method)" }) | Should -Be @(
            'jarvis_2d_gap_tbmbj/STL', 'jarvis_2d_gap_tbmbj/MoE', 'jarvis_2d_dielectric_tbmbj/STL', 'jarvis_2d_dielectric_tbmbj/MoE')
        @($Results | Where-Object FromResultFile | ForEach-Object { Get-RunKey $_ }) | Should -Be $BeforeResume
        $csv = Join-Path $Folder 'resumed.csv'
        $Results | Export-Csv $csv
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be $Planned
        @($rows | Where-Object FromResultFile -EQ 'True').Count | Should -Be $BeforeResume.Count
        Test-Path "$ResultFile.claims" | Should -BeFalse -Because 'the killed run''s claim was taken over and released'
    }

    It 'fills every field of a run, with parity data of the test set and the gate scores of mixtures' {
        $all = [MoePS.Engine.Benchmarks.ResultStore]::new($ResultFile).ReadAll()
        foreach ($r in $all) {
            $r.Task | Should -BeIn $Tasks
            $r.Rows | Should -Be 120
            [double]::IsFinite($r.TestMAE) | Should -BeTrue
            $r.TestMAE | Should -BeGreaterThan 0
            $r.Epochs | Should -Be 3
            $r.BestEpoch | Should -BeIn 1, 2, 3
            $r.Device | Should -Be 'cpu'
            $r.Split | Should -Be "seed0.json[$($r.Task)]"
            $r.Parity.Count | Should -Be 18
            $mae = ($r.Parity.Actual | ForEach-Object -Begin { $i = 0 } -Process { [math]::Abs($_ - $r.Parity.Predicted[$i++]) } | Measure-Object -Average).Average
            $mae | Should -BeGreaterThan ($r.TestMAE * 0.999)
            $mae | Should -BeLessThan ($r.TestMAE * 1.001)
        }
        $moe = $all | Where-Object Method -EQ 'MoE'
        foreach ($r in $moe) {
            $r.TopK | Should -Be 2
            $r.Extractors | Should -Be ($Extractors -join ',')
            $r.GateScoreDictionary.Count | Should -Be 3
            $r.GateScoreDictionary.ActiveCount | Should -Be 2
        }
        foreach ($r in $all | Where-Object Method -EQ 'STL') { $r.Extractors | Should -Be ''; $r.GateScoreDictionary.Count | Should -Be 0 }
    }

    It 'trains nothing on a rerun of a finished benchmark, and outputs its results again' {
        $again = @(Invoke-MoeBenchmark @Bench -ResultPath $ResultFile)
        $again.Count | Should -Be $Planned
        $again | ForEach-Object { $_.FromResultFile | Should -BeTrue }
        (Get-ResultLines $ResultFile).Count | Should -Be $Planned
    }

    It 'summarises to one row per task and method' {
        $s = Measure-MoeBenchmark -ResultPath $ResultFile
        $s.Count | Should -Be 4
        ($s | ForEach-Object { "$($_.Task)/$($_.Method)" }) | Should -Be @(
            'jarvis_2d_gap_tbmbj/STL', 'jarvis_2d_gap_tbmbj/MoE', 'jarvis_2d_dielectric_tbmbj/STL', 'jarvis_2d_dielectric_tbmbj/MoE')
        $s | ForEach-Object { $_.Seeds | Should -Be 1 }
        ($s | Where-Object Method -EQ 'MoE').ImprovementOverSTL | ForEach-Object { $_ | Should -Not -BeNullOrEmpty }
        ($s | Where-Object Method -EQ 'STL')[0].PaperMAE | Should -Be 1.31
        foreach ($moe in $s | Where-Object Method -EQ 'MoE') {
            $stl = $s | Where-Object { $_.Method -eq 'STL' -and $_.Task -eq $moe.Task }
            $moe.PairedSeedsWithSTL | Should -Be 1
            $moe.PairedDifferenceToSTL | Should -Be ($moe.MeanTestMAE - $stl.MeanTestMAE)
            $moe.VersusSTL | Should -BeLike "* ($([int]($moe.MeanTestMAE -lt $stl.MeanTestMAE))/1 better)"
        }
    }

    It 'exports a valid workbook with its sheets, rows and plots' {
        $path = Join-Path $Folder 'bench.xlsx'
        $files = Export-MoeReport -ResultPath $ResultFile -Path $path -PassThru
        $check = Test-Workbook $path
        $check.Errors.Count | Should -Be 0
        $check.Sheets | Should -Be @('Summary', 'Details', 'Runs', 'GateScores', 'Plots')
        $check.Rows['Summary'] | Should -Be 5
        $check.Rows['Runs'] | Should -Be 5
        $check.Rows['GateScores'] | Should -Be 3
        $check.Images | Should -Be 4      # Fig. 2, Fig. 4 and a parity plot per task
        $files.Count | Should -Be 5
    }

    It 'runs the same plan from YAML, its relative paths taken from the YAML file''s folder' {
        $planFolder = Join-Path $Folder 'plan'
        New-Item -ItemType Directory $planFolder | Out-Null
        Copy-Item $ResultFile (Join-Path $planFolder 'same.jsonl')
        $yaml = Join-Path $planFolder 'same.yaml'
        Set-Content $yaml @"
name: same
tasks: [$($Tasks -join ', ')]
methods: [STL, { method: MoE, topK: 2, extractors: [$($Extractors -join ', ')] }]
seeds: [0]
device: cpu
resultPath: same.jsonl
reportPath: out/same.xlsx
hyperparameters: { epochs: 3, patience: 3 }
"@
        Push-Location $Folder
        try { $new = @(Invoke-MoeBenchmark -Config $yaml) } finally { Pop-Location }
        @($new | Where-Object { -not $_.FromResultFile }).Count | Should -Be 0 -Because 'the settings hash the same as the parameters above, so every run is already there'
        $new.Count | Should -Be $Planned
        (Test-Workbook (Join-Path $planFolder 'out/same.xlsx')).Errors.Count | Should -Be 0
    }
}

Describe 'Invoke-MoeBenchmark, two at once on one result file' {
    It 'runs each run once between them, one whole line per run' {
        $file = Join-Path $Folder 'shared.jsonl'
        $jobs = foreach ($i in 1, 2) {
            Start-ThreadJob {
                Import-Module $using:manifest
                Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method STL -Seed 0, 1, 2, 3 -Epochs 2 -Patience 2 -Device cpu -ResultPath $using:file -WarningAction SilentlyContinue
            }
        }
        $outputs = @($jobs | Wait-Job -Timeout 300 | ForEach-Object { , @(Receive-Job $_ -ErrorAction Stop) })
        $jobs | Remove-Job -Force
        $outputs.Count | Should -Be 2
        @(Get-Content $file).Count | Should -Be 4
        @([MoePS.Engine.Benchmarks.ResultStore]::new($file).ReadAll() | ForEach-Object { Get-RunKey $_ } | Sort-Object -Unique).Count | Should -Be 4
        # Between them the two trained each seed once; what one didn't train it read back from the file or left to the other.
        @($outputs | ForEach-Object { $_ } | Where-Object { -not $_.FromResultFile } | ForEach-Object Seed | Sort-Object) | Should -Be 0, 1, 2, 3
    }
}

Describe 'Invoke-MoeBenchmark, the seeds of a method as one pack' {
    It 'stores one line per seed, with the results of training the seeds one by one (-NoPack)' {
        $common = @{ Task = 'jarvis_2d_gap_tbmbj'; Method = 'TL'; Seed = 0, 1; Epochs = 2; Patience = 2; Device = 'cpu' }
        $packedFile = Join-Path $Folder 'packed.jsonl'
        $packed = @(Invoke-MoeBenchmark @common -ResultPath $packedFile)
        $alone = @(Invoke-MoeBenchmark @common -NoPack -ResultPath (Join-Path $Folder 'alone.jsonl'))

        $packed.Seed | Should -Be 0, 1
        @(Get-ResultLines $packedFile).Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $packed[$i].BestEpoch | Should -Be $alone[$i].BestEpoch
            [math]::Abs($packed[$i].TestMAE - $alone[$i].TestMAE) | Should -BeLessOrEqual 1e-6
        }
    }
}

Describe 'Invoke-MoeBenchmark stopped (Ctrl+C)' {
    It 'stops in the run in progress, keeping only finished runs' {
        $file = Join-Path $Folder 'stopped.jsonl'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$manifest'; Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method STL -Seed 0, 1, 2, 3 -Epochs 5 -Device cpu -ResultPath '$file'")
        try {
            $async = $ps.BeginInvoke()
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while ((Get-ResultLines $file).Count -lt 1 -and -not $async.IsCompleted -and $clock.Elapsed.TotalSeconds -lt 300) { Start-Sleep -Milliseconds 100 }
            $finishedBeforeStop = @(Get-ResultLines $file).Count
            $finishedBeforeStop | Should -BeLessThan 4 -Because 'the benchmark must still be running when it is stopped'
            # Not a speed limit: only a stop that never comes back fails here, however loaded the machine.
            $stop = $ps.BeginStop($null, $null)
            $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromMinutes(5)) | Should -BeTrue -Because 'Stop must come back'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
        $lines = @(Get-Content $file)
        # The run in progress stops at its next batch and is not stored; at most the run that was being stored as the
        # stop came is added, and no later run starts.
        $lines.Count | Should -BeGreaterOrEqual $finishedBeforeStop
        $lines.Count | Should -BeLessOrEqual ($finishedBeforeStop + 1)
        [MoePS.Engine.Benchmarks.ResultStore]::new($file).ReadAll().Count | Should -Be $lines.Count
        Test-Path "$file.claims" | Should -BeFalse -Because 'the stopped run''s claim is released'
    }
}

Describe 'Invoke-MoeBenchmark errors' {
    It 'names the key and line of a bad YAML plan' {
        $yaml = Join-Path $Folder 'bad.yaml'
        Set-Content $yaml "tasks: [jarvis_2d_gap_tbmbj]`nmethods: [STL]`nhyperparameters:`n  epoch: 3`n"
        $e = { Invoke-MoeBenchmark -Config $yaml -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "*bad.yaml, line 4, column 3: unknown key 'epoch' in 'hyperparameters' (did you mean 'epochs'?)*"
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidExperimentPlan,*'
        $e.Exception.Key | Should -Be 'hyperparameters.epoch'
    }

    It 'names a wrongly typed value' {
        $yaml = Join-Path $Folder 'type.yaml'
        Set-Content $yaml "tasks: [jarvis_2d_gap_tbmbj]`nmethods: [STL]`nseeds: [0]`nhyperparameters: { epochs: many }`n"
        { Invoke-MoeBenchmark -Config $yaml -ErrorAction Stop } | Should -Throw "*line 4*'hyperparameters.epochs' must be a whole number, not 'many'*"
    }

    It 'reports a failed run as a non-terminating error naming it, and goes on with the others' {
        $file = Join-Path $Folder 'failing.jsonl'
        $r = @(Invoke-MoeBenchmark -Task no_such_task -Method STL -Seed 0, 1 -Epochs 1 -Device cpu -ResultPath $file -ErrorVariable failures -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $failures.Count | Should -Be 2
        "$($failures[0])" | Should -BeLike '*no_such_task / STL / seed 0 failed*'
        "$($failures[1])" | Should -BeLike '*no_such_task / STL / seed 1 failed*'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'BenchmarkRunFailed,*'
        Test-Path $file | Should -BeFalse
    }

    It 'trains and writes nothing with -WhatIf' {
        $file = Join-Path $Folder 'whatif.jsonl'
        $r = @(Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method STL -Seed 0, 1 -Epochs 1 -Device cpu -ResultPath $file -WhatIf 6>$null)
        $r.Count | Should -Be 0
        Test-Path $file | Should -BeFalse
    }

    It 'completes -Task with the paper''s task keys' {
        $line = 'Invoke-MoeBenchmark -Task jarvis_2d_ga'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be 'jarvis_2d_gap_opt', 'jarvis_2d_gap_tbmbj'
    }

    It 'binds -Method in any case and completes it and -Aggregation with their names' {
        $line = 'Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method '
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be 'Concat', 'Ensemble', 'MoE', 'PaperConcat', 'PaperEnsemble', 'STL', 'TL'
        $line = 'Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Aggregation C'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be 'Concat'
        { Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method moe, Magic -ResultPath (Join-Path $Folder 'x.jsonl') -ErrorAction Stop } |
            Should -Throw '*Magic*STL, TL, MoE, Ensemble, Concat*'
    }

    It 'refuses an aggregation that contradicts the method' {
        { Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method Ensemble -Aggregation Concat -ResultPath (Join-Path $Folder 'x.jsonl') -ErrorAction Stop } |
            Should -Throw '*contradicts aggregation*'
    }
}

Describe 'Measure-TaskShift' {
    BeforeAll {
        $script:Gap = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        $script:Dielectric = Import-CrystalDataset -Name jarvis_2d_dielectric_tbmbj
        $script:Exfoliation = Import-CrystalDataset -Name jarvis_2d_exfoliation
        $script:MpEform = Get-Extractor mp_eform
    }

    It 'gives finite, positive discrepancies between two tasks' {
        $shift = Measure-TaskShift -Reference $Gap -Target $Exfoliation -Extractor $MpEform -Device cpu
        $shift.Reference | Should -Be 'jarvis_2d_gap_tbmbj'
        $shift.Target | Should -Be 'jarvis_2d_exfoliation'
        $shift.ReferenceRows | Should -Be 120
        $shift.TargetRows | Should -Be 636
        $shift.Extractor | Should -Be 'mp_eform'
        $shift.Order | Should -Be 50
        foreach ($v in $shift.FeatureCMD, $shift.LabelCMD) {
            [double]::IsFinite($v) | Should -BeTrue
            $v | Should -BeGreaterThan 0
        }
    }

    It 'is zero in feature space for the same crystals with other labels (the two TBmBJ tasks), not in label space' {
        $shift = $Dielectric | Measure-TaskShift -Reference $Gap -Extractor $MpEform -Device cpu
        $shift.FeatureCMD | Should -Be 0
        $shift.LabelCMD | Should -BeGreaterThan 0
    }

    It 'is zero between a task and itself' {
        $same = $Gap | Measure-TaskShift -Reference $Gap -Extractor $MpEform -Moments 10 -Device cpu
        $same.FeatureCMD | Should -Be 0
        $same.LabelCMD | Should -Be 0
        $same.Order | Should -Be 10
    }
}
