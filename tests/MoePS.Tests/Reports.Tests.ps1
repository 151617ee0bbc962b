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

    # Per sheet: orientation, fit-to-page settings, print titles, frozen pane and column widths.
    function Get-WorkbookPrintSetup([string] $Path) {
        $doc = [DocumentFormat.OpenXml.Packaging.SpreadsheetDocument]::Open($Path, $false)
        try {
            $book = $doc.WorkbookPart
            $titles = @{}
            foreach ($n in @($book.Workbook.DefinedNames.ChildElements)) {
                if ($n.Name.Value -eq '_xlnm.Print_Titles') { $titles[[int]$n.LocalSheetId.Value] = $n.Text }
            }
            $index = 0
            foreach ($sheet in $book.Workbook.Sheets.ChildElements) {
                $ws = $book.GetPartById($sheet.Id.Value).Worksheet
                $setup = $ws.GetFirstChild[DocumentFormat.OpenXml.Spreadsheet.PageSetup]()
                $pane = @($ws.Descendants[DocumentFormat.OpenXml.Spreadsheet.Pane]())
                [pscustomobject]@{
                    Sheet        = $sheet.Name.Value
                    Orientation  = "$($setup.Orientation.InnerText)"
                    FitToPage    = [bool]$ws.SheetProperties.PageSetupProperties.FitToPage.Value
                    FitToWidth   = $setup.FitToWidth.Value
                    FitToHeight  = $setup.FitToHeight.Value
                    PrintTitles  = $titles[$index++]
                    FrozenAt     = if ($pane -and $pane[0].State.InnerText -eq 'frozen') { $pane[0].TopLeftCell.Value }
                    ColumnWidths = @($ws.Descendants[DocumentFormat.OpenXml.Spreadsheet.Column]() | ForEach-Object { $_.Width.Value })
                }
            }
        }
        finally { $doc.Dispose() }
    }
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

    It 'shows every value whole in an 80-column console, the paper''s mean ± std beside ours' {
        $file = Join-Path $script:Folder 'wide.jsonl'
        $extra = @(
            New-FixtureRun jarvis_2d_dielectric_tbmbj STL 0 12.5 120
            New-FixtureRun jarvis_2d_dielectric_tbmbj STL 1 9.5 120
            New-FixtureRun jarvis_2d_dielectric_tbmbj Ensemble 0 8.25 120 @(0.5, 0.5, 0, 0)
        )
        Set-Content -Path $file -Value ((Get-Content $script:ResultFile) + $extra) -Encoding utf8NoBOM
        $summaries = Measure-MoeBenchmark -ResultPath $file
        $lines = (Measure-MoeBenchmark -ResultPath $file | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 79 -Because "'$line' must fit without wrapping" }
        $lines | Should -Not -Match '…'
        $lines[0].Trim() | Should -Be "Recipe: the paper's"
        $rows = $lines | Select-Object -Skip 3
        $rows.Count | Should -Be $summaries.Count
        for ($i = 0; $i -lt $summaries.Count; $i++) {
            $s = $summaries[$i]
            $rows[$i] | Should -BeLike "$($s.Task) *"
            $rows[$i] | Should -BeLike "* $($s.TestMAE) *"
            if ($s.Paper) { $rows[$i] | Should -BeLike "* $($s.Paper)" }
        }
        $rows | Where-Object { $_ -like '*0.0330 ± 0.0014*0.0325 ± 0.0003' } | Should -Not -BeNullOrEmpty
        $rows | Where-Object { $_ -like 'jarvis_2d_dielectric_tbmbj Ensemble[*] *' } | Should -Not -BeNullOrEmpty     # the longest task and method names
        $rows | Where-Object { $_ -like '* 11.0 ± 2.1 * 10.7 ± 20.6' } | Should -Not -BeNullOrEmpty
    }

    It 'names each run''s settings from the plans with -Config, one block per recipe' {
        $plan = Join-Path $script:Folder 'settings.yaml'
        $file = Join-Path $script:Folder 'settings.jsonl'
        Set-Content -Path $plan -Encoding utf8NoBOM -Value @"
tasks: [jarvis_2d_gap_tbmbj]
methods: [STL, { method: STL, preset: fast }]
resultPath: settings.jsonl
"@
        $hashes = [MoePS.Engine.Benchmarks.ExperimentPlanReader]::Load($plan).Methods | ForEach-Object { $_.Settings.HashFor($_.Method) }
        $lines = foreach ($seed in 0, 1) {
            foreach ($i in 0, 1) {
                [ordered]@{ Task = 'jarvis_2d_gap_tbmbj'; Method = 'STL'; Seed = $seed; Rows = 120; TestMAE = 1.0 + $i + $seed / 10; ConfigHash = $hashes[$i] } |
                    ConvertTo-Json -Compress
            }
        }
        Set-Content -Path $file -Value $lines -Encoding utf8NoBOM
        $s = Measure-MoeBenchmark -Config $plan
        $s.Count | Should -Be 2
        $s[0].Settings | Should -Be ''
        $s[0].MeanTestMAE | Should -Be 1.05
        $s[1].Settings | Should -Be 'epochs=200; patience=50'
        $s[1].MeanTestMAE | Should -Be 2.05
        $text = $s | Out-String -Width 80
        $text | Should -Match "Recipe: the paper's"
        $text | Should -Match 'Recipe: epochs=200; patience=50'
        (Measure-MoeBenchmark -ResultPath $file)[1].Settings | Should -Be '' -Because 'the file alone does not say'
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

    It 'warns of two lines of one run with different MAEs, naming both and the one used' {
        $file = Join-Path $script:Folder 'conflict.jsonl'
        $lines = @(Get-Content $script:ResultFile)
        Set-Content -Path $file -Value ($lines + ($lines[0] -replace '"TestMAE":1.4,', '"TestMAE":14,')) -Encoding utf8NoBOM
        $s = Measure-MoeBenchmark -ResultPath $file -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Be ("Results for the same run (jarvis_2d_gap_tbmbj STL seed 0) differ: ${file}:1 (test MAE 1.4); ${file}:13 (test MAE 14). " +
            "The last, ${file}:13, is used.")
        ($s | Where-Object { $_.Task -eq 'jarvis_2d_gap_tbmbj' -and $_.Method -eq 'STL' }).MeanTestMAE | Should -Be 7.6
    }

    It 'refuses a task whose results are in different units, naming the units and lines, in the summary and the workbook' {
        $file = Join-Path $script:Folder 'units.jsonl'
        $lines = @(Get-Content $script:ResultFile)
        $lines[1] = $lines[1] -replace '"Unit":"eV"', '"Unit":"meV"' -replace '"TestMAE":1.2,', '"TestMAE":1200,'
        Set-Content -Path $file -Value $lines -Encoding utf8NoBOM
        { Measure-MoeBenchmark -ResultPath $file -ErrorAction Stop } |
            Should -Throw "The results of task 'jarvis_2d_gap_tbmbj' are in different units: eV in ${file}:1, ${file}:3, ${file}:4, ${file}:5, ${file}:6; meV in ${file}:2. *"
        $workbook = Join-Path $script:Folder 'units.xlsx'
        { Export-MoeReport -ResultPath $file -Path $workbook -ErrorAction Stop } | Should -Throw '*different units*'
        Test-Path $workbook | Should -BeFalse
        @(Get-ChildItem $script:Folder -Filter 'units.*.png').Count | Should -Be 0
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
        $check.Sheets | Should -Be @('Summary', 'Details', 'Runs', 'GateScores', 'Plots')
        $check.Rows['Summary'] | Should -Be 7
        $check.Rows['Details'] | Should -Be 7
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

    It 'sets every sheet to print landscape and one page wide, and each table''s header row to repeat on every page and stay frozen' {
        $path = Join-Path $script:Folder 'print.xlsx'
        Export-MoeReport -ResultPath $script:ResultFile -Path $path
        $setup = Get-WorkbookPrintSetup $path
        $setup.Sheet | Should -Be 'Summary', 'Details', 'Runs', 'GateScores', 'Plots'
        foreach ($s in $setup) {
            $s.Orientation | Should -Be 'landscape' -Because $s.Sheet
            $s.FitToPage | Should -BeTrue -Because $s.Sheet
            $s.FitToWidth | Should -Be 1 -Because $s.Sheet
            $s.FitToHeight | Should -Be 0 -Because "$($s.Sheet) may print on as many pages down as it needs"
        }
        foreach ($s in $setup | Where-Object Sheet -ne 'Plots') {
            $s.PrintTitles | Should -Be "'$($s.Sheet)'!`$1:`$1"
            $s.FrozenAt | Should -Be 'A2'
        }
        ($setup | Where-Object Sheet -eq 'Runs').ColumnWidths.Count | Should -Be 17
        (Test-Workbook $path).Errors.Count | Should -Be 0
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $script:Folder 'whatif.xlsx'
        Export-MoeReport -ResultPath $script:ResultFile -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
        @(Get-ChildItem $script:Folder -Filter 'whatif*').Count | Should -Be 0
    }
}

Describe 'Export-MoeReport printed to PDF (LibreOffice)' {
    BeforeAll {
        $script:PdfSkip = $null
        $missing = @('soffice', 'pdfinfo', 'pdftotext') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
        if ($missing) {
            $reason = "$($missing -join ', ') not found: install the Debian packages libreoffice-calc-nogui and poppler-utils (.ci/run does)"
            if ($env:CI -eq 'true') { throw $reason }
            $script:PdfSkip = $reason
            return
        }
        # The 12-run fixture, and the same runs over 20 seeds (120 runs) so that the Runs sheet needs more than one page.
        $pdfFolder = Join-Path $script:Folder 'pdf'
        New-Item -ItemType Directory $pdfFolder | Out-Null
        $long = Join-Path $pdfFolder 'long.jsonl'
        Set-Content $long -Encoding utf8NoBOM -Value @(foreach ($shift in 0..9) {
            foreach ($line in Get-Content $script:ResultFile) {
                $run = $line | ConvertFrom-Json
                $run.Seed += 2 * $shift
                $run | ConvertTo-Json -Compress -Depth 5
            }
        })
        Export-MoeReport -ResultPath $script:ResultFile -Path (Join-Path $pdfFolder 'runs12.xlsx')
        Export-MoeReport -ResultPath $long -Path (Join-Path $pdfFolder 'runs120.xlsx')

        # One LibreOffice start for both workbooks (starting it is the slow part), with a profile of its own
        # so that it neither meets nor hands the work to another running instance.
        $profile = [uri]::new((Join-Path $pdfFolder 'lo-profile')).AbsoluteUri
        $process = Start-Process soffice -PassThru -NoNewWindow -RedirectStandardOutput (Join-Path $pdfFolder 'soffice.out') -RedirectStandardError (Join-Path $pdfFolder 'soffice.err') -ArgumentList @(
            '--headless', "-env:UserInstallation=$profile", '--convert-to', 'pdf', '--outdir', $pdfFolder,
            (Join-Path $pdfFolder 'runs12.xlsx'), (Join-Path $pdfFolder 'runs120.xlsx'))
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw 'LibreOffice did not convert the workbooks within 120 s.' }

        # Each page's text and the sheet named in its footer ("<sheet>   Page <n>").
        function Get-PdfPages([string] $Pdf) {
            $count = [int]((pdfinfo $Pdf | Select-String '^Pages:\s+(\d+)').Matches[0].Groups[1].Value)
            foreach ($page in 1..$count) {
                $text = (pdftotext -layout -f $page -l $page $Pdf -) -join "`n"
                $footer = [regex]::Match($text, '(?m)^\s*(\S+)\s+Page \d+\s*$')
                [pscustomobject]@{ Page = $page; Sheet = $footer.Groups[1].Value; Text = $text }
            }
        }
        $script:Pages12 = @(Get-PdfPages (Join-Path $pdfFolder 'runs12.pdf'))
        $script:Pages120 = @(Get-PdfPages (Join-Path $pdfFolder 'runs120.pdf'))
    }

    BeforeEach { if ($script:PdfSkip) { Set-ItResult -Skipped -Because $script:PdfSkip } }

    It 'prints the 12-run workbook on 8 pages: each table sheet on one, each of the 4 plots on one' {
        # Before the print set-up the same workbook took 18 pages: Summary 5, Runs 5 (columns split across pages), GateScores 2, Plots 6.
        $script:Pages12.Sheet | Should -Be 'Summary', 'Details', 'Runs', 'GateScores', 'Plots', 'Plots', 'Plots', 'Plots'
        ($script:Pages12 | Where-Object Sheet -eq 'Plots').Text | ForEach-Object { ($_ -split "`n" | Where-Object { $_.Trim() })[0].Trim() } |
            Should -Be 'Improvement over STL vs dataset size', 'Gate scores (task × extractor)', 'Parity: jarvis_2d_gap_tbmbj', 'Parity: mp_poisson_ratio'
    }

    It 'prints every table sheet one page wide, its header row at the top of every page' {
        @($script:Pages120 | Where-Object Sheet -eq 'Runs').Count | Should -BeIn 2, 3    # 121 rows
        $columns = @{ Summary = 'Task', 'Wins vs TL'; Details = 'Task', 'Seconds'; Runs = 'Task', 'Finished'; GateScores = 'Task', 'jarvis_bandgap' }
        foreach ($page in $script:Pages12 + $script:Pages120 | Where-Object Sheet -ne 'Plots') {
            $first, $last = $columns[$page.Sheet]
            $header = ($page.Text -split "`n" | Where-Object { $_.Trim() })[0]
            $header | Should -Match "^\s*$first\b.*\b$last\s*$" -Because "page $($page.Page) ($($page.Sheet)) has every column"
        }
        $runs = ($script:Pages120 | Where-Object Sheet -eq 'Runs').Text -join "`n"
        ([regex]::Matches($runs, '2025-01-02 03:04:05 \+00:00')).Count | Should -Be 120     # the last column of every run
    }
}

Describe 'Measure-ValidatedChoice' {
    BeforeAll {
        # One run as a JSON line: TL runs transfer from mp_eform unless -Source names another; mixtures use two extractors.
        function New-ChoiceRun($Method, $Seed, $Test, $Validation, $Source = 'mp_eform', $Settings = 'epochs=200; patience=50') {
            $extractors = switch ($Method) { 'STL' { '' } 'TL' { $Source } default { 'mp_eform,mp_bandgap' } }
            [ordered]@{ Task = 'jarvis_2d_gap_tbmbj'; Method = $Method; Seed = $Seed; Rows = 120; TestMAE = $Test; ValMAE = $Validation
                Unit = 'eV'; BestEpoch = 1; Epochs = 2; Seconds = 1.0; Device = 'cpu'; TopK = $(if ($Method -eq 'MoE') { 2 })
                Extractors = $extractors; ConfigHash = "h$Method$Source$Settings"; Settings = $Settings } | ConvertTo-Json -Compress
        }
    }

    It 'keeps per seed the method with the lower validation MAE, and compares the kept runs with STL and TL' {
        # TEST FIXTURE: seed 0 validates TL better, seed 1 the mixture; the kept test MAEs are 2.0 and 1.0.
        $file = Join-Path $script:Folder 'choice.jsonl'
        Set-Content $file -Encoding utf8NoBOM -Value @(
            New-ChoiceRun TL 0 2.0 0.5; New-ChoiceRun MoE 0 1.5 0.7; New-ChoiceRun TL 1 3.0 0.9; New-ChoiceRun MoE 1 1.0 0.6
            New-ChoiceRun STL 1 0.1 0.1)
        $row = Measure-ValidatedChoice -ResultPath $file -Candidate 'TL from mp_eform', 'MoE-2'
        $row.PSObject.TypeNames[0] | Should -Be 'MoePS.Engine.Benchmarks.ValidatedChoiceSummary'
        $row.Task | Should -Be 'jarvis_2d_gap_tbmbj'
        $row.Seeds | Should -Be 2
        $row.MeanTestMAE | Should -Be 1.5
        $row.Kept | Should -Be 'TL from mp_eform; MoE-2'
        $row.PairedDifferenceToTL | Should -Be (-1.0)
        ($row.SeedsBetterThanTL, $row.PairedSeedsWithTL) | Should -Be @(1, 2)
        ($row.SeedsBetterThanSTL, $row.PairedSeedsWithSTL) | Should -Be @(0, 1)
        $kept = @(Measure-ValidatedChoice -ResultPath $file -Candidate 'TL from mp_eform', 'MoE-2' -PerSeed)
        $kept.Seed | Should -Be @(0, 1)
        $kept.Kept | Should -Be @('TL from mp_eform', 'MoE-2')
        $kept.TestMAE | Should -Be @(2.0, 1.0)
        ($kept | Out-String -Width 80) | Should -Match 'MoE-2'
    }

    It 'takes its candidates from several result files and the pipeline' {
        # TEST FIXTURE: TL from mp_eform in one file, TL from another source in a second; seed 0 validates the second better.
        $first = Join-Path $script:Folder 'choice-tl.jsonl'
        $second = Join-Path $script:Folder 'choice-variant.jsonl'
        New-ChoiceRun TL 0 2.0 0.5 | Set-Content $first -Encoding utf8NoBOM
        New-ChoiceRun TL 0 1.0 0.4 -Source x -Settings 'epochs=200; patience=50; transferFrom=x' | Set-Content $second -Encoding utf8NoBOM
        $row = Measure-ValidatedChoice -ResultPath $first, $second -Candidate 'TL from mp_eform', 'TL from x'
        $row.MeanTestMAE | Should -Be 1.0
        $row.Kept | Should -Be 'TL from x'
        $piped = $first, $second | ForEach-Object { [MoePS.Engine.Benchmarks.ResultStore]::new($_).ReadAll() } |
            Measure-ValidatedChoice 'TL from mp_eform', 'TL from x'
        $piped.MeanTestMAE | Should -Be 1.0
    }

    It 'counts the later run of a seed run twice, and gives a tie to the earlier candidate' {
        # TEST FIXTURE: TL's seed 0 ran twice (validation 0.9, then 0.5); the mixture validates 0.5 too: the tie goes to TL,
        # the first candidate, with the later run's test MAE 2.5. A seed only TL ran (1) does not count.
        $file = Join-Path $script:Folder 'choice-twice.jsonl'
        Set-Content $file -Encoding utf8NoBOM -Value @(
            New-ChoiceRun TL 0 9.0 0.9; New-ChoiceRun MoE 0 1.5 0.5; New-ChoiceRun TL 0 2.5 0.5; New-ChoiceRun TL 1 0.1 0.1)
        $row = Measure-ValidatedChoice -ResultPath $file -Candidate 'TL from mp_eform', 'MoE-2' -WarningAction SilentlyContinue
        $row.Seeds | Should -Be 1
        $row.MeanTestMAE | Should -Be 2.5
        $row.Kept | Should -Be 'TL from mp_eform'
    }

    It 'fails clearly on a candidate that names two run sets' {
        # TEST FIXTURE: TL from mp_eform with two recipes.
        $file = Join-Path $script:Folder 'choice-ambiguous.jsonl'
        Set-Content $file -Encoding utf8NoBOM -Value @(
            New-ChoiceRun TL 0 2.0 0.5; New-ChoiceRun TL 0 2.0 0.5 -Settings 'epochs=100; patience=50'; New-ChoiceRun MoE 0 1.5 0.7)
        $e = { Measure-ValidatedChoice -ResultPath $file -Candidate 'TL from mp_eform', 'MoE-2' } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Match '^CandidatesNotComparable'
        $e.Exception.Message | Should -Match "'TL from mp_eform' names 2 run sets of jarvis_2d_gap_tbmbj"
    }

    It 'completes -Candidate with the variant names of the -ResultPath files, quoted' {
        $file = Join-Path $script:Folder 'choice-complete.jsonl'
        Set-Content $file -Encoding utf8NoBOM -Value @(New-ChoiceRun TL 0 2.0 0.5; New-ChoiceRun MoE 0 1.5 0.7; New-ChoiceRun STL 0 3.0 0.9)
        $line = "Measure-ValidatedChoice -ResultPath '$file' -Candidate 'TL"
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be "'TL from mp_eform'"
        $line = "Measure-ValidatedChoice -ResultPath '$file' -Candidate "
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be "'MoE-2'", "'STL'", "'TL from mp_eform'"
        Push-Location $script:Folder
        try {
            $line = "Measure-ValidatedChoice -ResultPath ./choice-complete.jsonl -Candidate 'Mo"
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be "'MoE-2'" -Because 'a relative path is the session location''s'
        } finally { Pop-Location }
    }

    It 'fails clearly on a candidate no result is of, naming those there are' {
        $file = Join-Path $script:Folder 'choice-unknown.jsonl'
        Set-Content $file -Encoding utf8NoBOM -Value @(New-ChoiceRun TL 0 2.0 0.5; New-ChoiceRun MoE 0 1.5 0.7)
        $e = { Measure-ValidatedChoice -ResultPath $file -Candidate 'TL from mp_eform', 'MoE-18' } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Match '^CandidatesNotComparable'
        $e.Exception.Message | Should -Match "No results are of 'MoE-18'.*'MoE-2'"
    }
}
