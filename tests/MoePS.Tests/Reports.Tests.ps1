BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Folder = New-TestFolder
    $script:ResultFile = Join-Path $script:Folder 'fixture.jsonl'

    # TEST FIXTURE, not measured results: plausible hand-made runs (2 tasks x STL/TL/MoE x 2 seeds)
    # whose summary statistics are worked out by hand in the tests below.
    $extractors = 'mp_eform', 'mp_bandgap', 'jarvis_eform', 'jarvis_bandgap'
    function New-FixtureRun($Task, $Method, $Seed, $TestMAE, $Rows, $Gates, [switch] $Parity) {
        $run = [ordered]@{
            Task = $Task; Method = $Method; Seed = $Seed; Rows = $Rows; TestMAE = $TestMAE; ValMAE = $TestMAE * 0.9
            Unit = 'eV'; BestEpoch = 20; Epochs = 30; Seconds = 10.0; Device = 'cpu'
            TopK = if ($Method -eq 'MoE') { 2 } else { $null }
            Extractors = switch ($Method) { 'STL' { '' } 'TL' { 'mp_eform' } default { $extractors -join ',' } }
            ConfigHash = 'fixture'; Finished = '2025-01-02T03:04:05+00:00'
        }
        if ($Gates) {
            $map = [ordered]@{}
            for ($i = 0; $i -lt $extractors.Count; $i++) { $map[$extractors[$i]] = $Gates[$i] }
            $run.GateScoreDictionary = $map
        }
        if ($Parity) {
            $actual = 0..9 | ForEach-Object { 0.5 + 0.1 * $_ }
            $run.Parity = @{ Ids = @(0..9 | ForEach-Object { "mp-$_" }); Actual = @($actual); Predicted = @($actual | ForEach-Object { $_ * 1.1 }) }
        }
        [pscustomobject]$run | ConvertTo-Json -Compress -Depth 5
    }
    $lines = @(
        New-FixtureRun jarvis_2d_gap_tbmbj STL 0 1.40 120 -Parity
        New-FixtureRun jarvis_2d_gap_tbmbj STL 1 1.20 120
        New-FixtureRun jarvis_2d_gap_tbmbj TL 0 1.70 120
        New-FixtureRun jarvis_2d_gap_tbmbj TL 1 1.50 120
        New-FixtureRun jarvis_2d_gap_tbmbj MoE 0 1.10 120 @(0.6, 0.4, 0, 0) -Parity
        New-FixtureRun jarvis_2d_gap_tbmbj MoE 1 1.00 120 @(0.5, 0.5, 0, 0)
        New-FixtureRun mp_poisson_ratio STL 0 0.034 1181 -Parity
        New-FixtureRun mp_poisson_ratio STL 1 0.032 1181
        New-FixtureRun mp_poisson_ratio TL 0 0.031 1181
        New-FixtureRun mp_poisson_ratio TL 1 0.033 1181
        New-FixtureRun mp_poisson_ratio MoE 0 0.030 1181 @(0.1, 0, 0.9, 0) -Parity
        New-FixtureRun mp_poisson_ratio MoE 1 0.028 1181 @(0, 0.2, 0.8, 0)
    )
    Set-Content -Path $script:ResultFile -Value $lines -Encoding utf8NoBOM
}

AfterAll { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }

Describe 'Measure-MoeBenchmark' {
    It 'summarises a result file per task and method, beside the paper' {
        $s = Measure-MoeBenchmark -ResultPath $script:ResultFile
        $s.Count | Should -Be 6
        $s[0].PSObject.TypeNames[0] | Should -Be 'MoePS.Engine.Benchmarks.BenchmarkSummary'
        ($s | ForEach-Object { "$($_.Task)/$($_.Method)" }) | Should -Be @(
            'jarvis_2d_gap_tbmbj/STL', 'jarvis_2d_gap_tbmbj/TL', 'jarvis_2d_gap_tbmbj/MoE',
            'mp_poisson_ratio/STL', 'mp_poisson_ratio/TL', 'mp_poisson_ratio/MoE')
        $stl = $s[0]
        $stl.Seeds | Should -Be 2
        $stl.MeanTestMAE | Should -BeLessThan 1.3000001
        $stl.MeanTestMAE | Should -BeGreaterThan 1.2999999
        $stl.StdTestMAE | Should -BeGreaterThan ([math]::Sqrt(0.02) - 1e-9)
        $stl.StdTestMAE | Should -BeLessThan ([math]::Sqrt(0.02) + 1e-9)
        $stl.PaperMAE | Should -Be 1.31
        $stl.Paper | Should -Be '1.31 ± 0.29'
        $s[1].PaperMAE | Should -Be 1.77        # TL from mp_eform: Table 3
        [math]::Round($s[1].ImprovementOverSTL, 6) | Should -Be ([math]::Round((1.3 - 1.6) / 1.3 * 100, 6))
        $s[2].IsBest | Should -BeTrue
        $s[2].TestMAE | Should -Be '1.05 ± 0.07'
        $s[5].ImprovementOverSTL | Should -BeGreaterThan 11.4   # (0.033 - 0.029) / 0.033
        $s[5].ImprovementOverSTL | Should -BeLessThan 12.2
    }

    It 'takes results from the pipeline' {
        $runs = Get-Content $script:ResultFile | ForEach-Object {
            $o = $_ | ConvertFrom-Json
            [MoePS.Engine.Benchmarks.BenchmarkResult]@{ Task = $o.Task; Method = $o.Method; Seed = $o.Seed; TestMAE = $o.TestMAE; Rows = $o.Rows; Extractors = $o.Extractors }
        }
        $s = $runs | Measure-MoeBenchmark
        $s.Count | Should -Be 6
        ($s | Where-Object Method -eq 'MoE' | Select-Object -First 1).MeanTestMAE | Should -BeGreaterThan 1.0499999
    }

    It 'skips an incomplete last line with a warning' {
        $file = Join-Path $script:Folder 'killed.jsonl'
        $content = Get-Content -Raw $script:ResultFile
        Set-Content -Path $file -Value ($content + '{"Task":"mp_poisson_ratio","Meth') -NoNewline -Encoding utf8NoBOM
        $s = Measure-MoeBenchmark -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
        $s.Count | Should -Be 6
        "$warnings" | Should -Match 'incomplete'
    }

    It 'reports a missing result file as an error naming it' {
        { Measure-MoeBenchmark -ResultPath (Join-Path $script:Folder 'nope.jsonl') -ErrorAction Stop } |
            Should -Throw '*nope.jsonl*'
    }

    It 'gives clean columns through Export-Csv' {
        $csv = Join-Path $script:Folder 'summary.csv'
        Measure-MoeBenchmark -ResultPath $script:ResultFile | Export-Csv -Path $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 6
        $columns = $rows[0].PSObject.Properties.Name
        foreach ($c in 'Task', 'Method', 'Seeds', 'MeanTestMAE', 'StdTestMAE', 'TestMAE', 'ImprovementOverSTL', 'Paper', 'RatioToPaper') {
            $columns | Should -Contain $c
        }
        Get-Content $csv | Should -Not -Match 'System\.|MoePS\.Engine'
        $rows[0].TestMAE | Should -Be '1.30 ± 0.14'
    }

    It 'gives clean columns for the runs through Export-Csv' {
        $csv = Join-Path $script:Folder 'runs.csv'
        [MoePS.Engine.Benchmarks.ResultStore]::new($script:ResultFile).ReadAll() | Export-Csv -Path $csv
        Get-Content $csv | Should -Not -Match 'System\.|MoePS\.Engine'
        $moe = Import-Csv $csv | Where-Object Method -eq 'MoE' | Select-Object -First 1
        $moe.GateScores | Should -Be 'mp_eform=0.6;mp_bandgap=0.4'
        $moe.GateScoreDictionary | Should -Be '2 of 4 active'
        $moe.Parity | Should -Be '10 test points'
    }
}

Describe 'Export-MoeReport' {
    It 'writes a valid workbook with its sheets, rows and pictures, and the PNGs beside it' {
        $path = Join-Path $script:Folder 'report.xlsx'
        $files = Export-MoeReport -ResultPath $script:ResultFile -Path $path -PassThru
        $files[0].FullName | Should -Be $path
        $files.Count | Should -Be 5      # workbook, Fig. 2, Fig. 4, a parity plot per task
        $check = Test-Workbook $path
        $check.Errors.Count | Should -Be 0
        $check.Sheets | Should -Be @('Summary', 'Runs', 'GateScores', 'Plots')
        $check.Rows['Summary'] | Should -Be 7
        $check.Rows['Runs'] | Should -Be 13
        $check.Rows['GateScores'] | Should -Be 3
        $check.Images | Should -Be 4
        foreach ($png in $files | Select-Object -Skip 1) {
            $png.Extension | Should -Be '.png'
            $png.Length | Should -BeGreaterThan 5000
            $png.DirectoryName | Should -Be $script:Folder
        }
    }

    It 'takes results from the pipeline' {
        $path = Join-Path $script:Folder 'piped.xlsx'
        [MoePS.Engine.Benchmarks.ResultStore]::new($script:ResultFile).ReadAll() | Export-MoeReport -Path $path
        (Test-Workbook $path).Errors.Count | Should -Be 0
    }

    It 'replaces an existing workbook only with -Force' {
        $path = Join-Path $script:Folder 'exists.xlsx'
        Set-Content -Path $path -Value 'keep me'
        { Export-MoeReport -ResultPath $script:ResultFile -Path $path -ErrorAction Stop } | Should -Throw '*-Force*'
        Get-Content $path | Should -Be 'keep me'
        Export-MoeReport -ResultPath $script:ResultFile -Path $path -Force
        (Test-Workbook $path).Errors.Count | Should -Be 0
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $script:Folder 'whatif.xlsx'
        Export-MoeReport -ResultPath $script:ResultFile -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
        @(Get-ChildItem $script:Folder -Filter 'whatif*').Count | Should -Be 0
    }
}
