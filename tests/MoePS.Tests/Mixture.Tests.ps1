BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj |
        Split-CrystalDataset -SplitFile (Join-Path $DataPath 'splits/seed0.json')
    $script:extractors = Get-Extractor | Where-Object Kind -eq CGCNN
    $script:trained = $extractors | New-MixtureModel -TopK 4 | Start-MixtureTraining -Dataset $ds -Epochs 40 -Seed 0
    $script:cifs = Get-ChildItem (Join-Path $DataPath 'cgcnn-sample/*.cif') | Import-Crystal
}

Describe 'Mixtures of the paper''s extractors' {
    It 'trains a top-4 mixture that beats predicting the mean on validation' {
        $train = $ds.Split.Train | ForEach-Object { $ds.Entries[$_].Target }
        $mean = ($train | Measure-Object -Average).Average
        $baseline = ($ds.Split.Validation | ForEach-Object { [math]::Abs($ds.Entries[$_].Target - $mean) } | Measure-Object -Average).Average
        $trained.IsTrained | Should -BeTrue
        $trained.ValMAE | Should -BeLessThan $baseline
        $trained.Training.History.Count | Should -BeGreaterThan 0
        $trained.Unit | Should -Be 'eV'
    }

    It 'scores the 18 extractors: they sum to 1 with exactly 4 active' {
        $scores = Get-ExtractorScore -Model $trained
        $scores.Count | Should -Be 18
        [math]::Round(($scores | Measure-Object Score -Sum).Sum, 6) | Should -Be 1
        @($scores | Where-Object Score -gt 0).Count | Should -Be 4
        @($scores | Where-Object Active).Count | Should -Be 4
        ($scores | Sort-Object Rank | Select-Object -First 4).Active | Should -Not -Contain $false
    }

    It 'predicts the sample CIFs with their formulas' {
        $p = $cifs | Invoke-PropertyPrediction -Model $trained
        $p.Count | Should -Be 10
        $p.Formula | Should -Contain 'BaTiO3'
        $p | ForEach-Object { [double]::IsFinite($_.Predicted) | Should -BeTrue }
        $p[0].Unit | Should -Be 'eV'
    }

    It 'averages several seeds and reports their spread' {
        $m = New-MixtureModel -Extractor (Get-Extractor mp_eform, mp_bandgap) -TopK 1
        $models = 0, 1 | ForEach-Object { Start-MixtureTraining -Model $m -Dataset $ds -Epochs 3 -Seed $_ }
        $p = Invoke-PropertyPrediction -Model $models -Dataset $ds | Select-Object -First 5
        $p | ForEach-Object { $_.StdDev | Should -BeGreaterThan 0; $_.AbsoluteError | Should -Not -BeNullOrEmpty }
        $m.IsTrained | Should -BeFalse -Because 'training returns a trained copy'
    }

    It 'is transfer learning with one extractor' {
        $tl = New-MixtureModel -Extractor (Get-Extractor mp_eform)
        $tl.Method | Should -Be 'TL'
        (Get-ExtractorScore $tl).Score | Should -Be 1
    }

    It 'takes the frozen layers'' BatchNorm mode, trains with it and saves it' {
        $dir = New-TestFolder
        $adapted = New-MixtureModel -Extractor (Get-Extractor mp_eform) -FrozenNormalization Adapt |
            Start-MixtureTraining -Dataset $ds -Epochs 2 -Seed 0
        $adapted.Options.FrozenNormalization | Should -Be 'Adapt'
        $adapted | Save-MixtureModel -Path (Join-Path $dir 'adapt.moem') | Out-Null
        $loaded = Import-MixtureModel (Join-Path $dir 'adapt.moem')
        $loaded.Options.FrozenNormalization | Should -Be 'Adapt'
        ($cifs | Invoke-PropertyPrediction -Model $loaded).Predicted | Should -Be ($cifs | Invoke-PropertyPrediction -Model $adapted).Predicted
        (New-MixtureModel -Extractor (Get-Extractor mp_eform)).Options.FrozenNormalization | Should -Be 'Source'
    }

    It 'takes its budget from -Preset unless -Epochs or -Patience say otherwise, and anneals to -MinimumLearningRate' {
        $m = New-MixtureModel -Extractor (Get-Extractor mp_eform) |
            Start-MixtureTraining -Dataset $ds -Preset Fast -Epochs 2 -MinimumLearningRate 1e-4 -Seed 0
        $m.Training.Options.Epochs | Should -Be 2
        $m.Training.Options.Patience | Should -Be 50
        $m.Training.History[1].LearningRate | Should -Be (1e-4 + (0.01 - 1e-4) * (1 + [math]::Cos([math]::PI / 2)) / 2)
    }

    It 'saves and loads with bit-identical predictions, with or without the extractors' {
        $dir = New-TestFolder
        $expected = ($cifs | Invoke-PropertyPrediction -Model $trained).Predicted
        $trained | Save-MixtureModel -Path (Join-Path $dir 'm.moem') | Should -Not -BeNullOrEmpty
        $trained | Save-MixtureModel -Path (Join-Path $dir 'slim.moem') -ExcludeExtractors | Out-Null
        (($cifs | Invoke-PropertyPrediction -Model (Import-MixtureModel (Join-Path $dir 'm.moem'))).Predicted) | Should -Be $expected
        (($cifs | Invoke-PropertyPrediction -Model (Import-MixtureModel (Join-Path $dir 'slim.moem'))).Predicted) | Should -Be $expected
        { $trained | Save-MixtureModel -Path (Join-Path $dir 'm.moem') -ErrorAction Stop } | Should -Throw '*-Force*'
    }
}

Describe 'Bad input to mixtures' {
    It 'names the .moem and -ExtractorPath when an extractor it was saved without is not one of the paper''s' {
        $dir = New-TestFolder
        $custom = $ds | Start-ExtractorPretrain -Epochs 1 -Device cpu -Name lab_custom -ConvCount 1 -AtomFeatureLength 8 -HiddenLength 8
        $path = Join-Path $dir 'custom.moem'
        New-MixtureModel -Extractor $custom | Save-MixtureModel -Path $path -ExcludeExtractors | Out-Null
        Import-MixtureModel $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Be ("'$path' was saved without its extractor 'lab_custom' (-ExcludeExtractors), which is not one of the paper's extractors, " +
            "and no -ExtractorPath was given. Give the folder that holds lab_custom.moex (or .safetensors, .pth.tar) with -ExtractorPath.")
        $custom | Export-Extractor -Path (Join-Path $dir 'lab_custom.moex') | Out-Null
        (Import-MixtureModel $path -ExtractorPath $dir).Extractors.Name | Should -Be 'lab_custom'
    }

    It 'refuses an empty extractor list' {
        { New-MixtureModel -Extractor @() -ErrorAction Stop } | Should -Throw '*at least one extractor*'
    }

    It 'refuses k larger than the number of extractors or below 1' -TestCases @(@{ K = 3 }, @{ K = 0 }) {
        { Get-Extractor mp_eform, mp_bandgap | New-MixtureModel -TopK $K -ErrorAction Stop } | Should -Throw '*TopK must be between 1 and*'
    }

    It 'refuses to resume a -TopK 4 checkpoint as a -TopK 3 mixture, naming what differs' {
        $checkpoint = Join-Path (New-TestFolder) 'moe.ckpt'
        $four = Get-Extractor mp_eform, mp_bandgap, jarvis_eform, castelli_eform
        $four | New-MixtureModel -TopK 4 | Start-MixtureTraining -Dataset $ds -Epochs 2 -CheckpointPath $checkpoint | Out-Null
        { $four | New-MixtureModel -TopK 3 | Start-MixtureTraining -Dataset $ds -Epochs 2 -CheckpointPath $checkpoint -Resume -ErrorAction Stop } |
            Should -Throw '*TopK 4 → 3*'
    }

    It 'refuses a dataset without a split' {
        $unsplit = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        { New-MixtureModel -Extractor (Get-Extractor mp_eform) | Start-MixtureTraining -Dataset $unsplit -Epochs 1 -ErrorAction Stop } |
            Should -Throw '*Split-CrystalDataset*'
    }

    It 'rejects a crystal with an element the extractors have no features for, and predicts the rest' {
        $dir = New-TestFolder
        Set-Content (Join-Path $dir 'og.vasp') "oganesson`n1.0`n5 0 0`n0 5 0`n0 0 5`nOg`n1`nDirect`n0 0 0`n"
        $og = Import-Crystal (Join-Path $dir 'og.vasp')
        $p = @($cifs[0], $og, $cifs[1]) | Invoke-PropertyPrediction -Model $trained -ErrorVariable errs -ErrorAction SilentlyContinue
        $p.Count | Should -Be 2
        $errs.Count | Should -Be 1
        "$($errs[0])" | Should -Match 'Og'
        "$($errs[0])" | Should -BeLike "*($(Join-Path $dir 'og.vasp')*"
    }
}
