BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj |
        Split-CrystalDataset -SplitFile (Join-Path $DataPath 'splits/seed0.json')
    $script:cifs = Get-ChildItem (Join-Path $DataPath 'cgcnn-sample/*.cif') | Import-Crystal
    $script:tensorNet = Get-Extractor tensornet_matpes_pbe
}

Describe 'The TensorNet expert' {
    It 'is listed by Get-Extractor beside the 18, with its kind, width, source and licence' {
        $all = Get-Extractor
        $all.Count | Should -Be 19
        @($all | Where-Object Kind -eq 'CGCNN').Count | Should -Be 18
        $tensorNet.Kind | Should -Be 'TensorNet'
        $tensorNet.FeatureLength | Should -Be 128
        $tensorNet.Licence | Should -Be 'BSD 3-Clause License'
        $tensorNet.Source | Should -BeLike '*experts*tensornet_matpes_pbe*state.pt'
        $table = ($all | Out-String -Width 100) -split "`r?`n" | Where-Object { $_ -match '^tensornet_matpes_pbe\s+universal interatomic potential' }
        $table | Should -Not -BeNullOrEmpty     # the extractors' table, one table for both kinds
    }

    It 'gives the golden file''s crystal feature through Get-CrystalFeature' {
        $golden = Get-Content -Raw (Join-Path $DataPath 'experts/tensornet_matpes_pbe/golden.json') | ConvertFrom-Json
        $fromTasks = @($golden.structures | Where-Object task | Select-Object -First 3)
        foreach ($s in $fromTasks) {
            $crystal = (Import-CrystalDataset -Name $s.task).Entries[$s.row].Crystal
            $feature = ($crystal | Get-CrystalFeature -Extractor $tensorNet).Feature
            $feature.Count | Should -Be 128
            for ($j = 0; $j -lt 128; $j++) {
                $expected = $s.float32.feature[$j]
                [math]::Abs($feature[$j] - $expected) | Should -BeLessOrEqual (1e-5 * [math]::Max(1, [math]::Abs($expected))) -Because "$($s.label) feature $j"
            }
        }
    }
}

Describe 'Mixtures with the TensorNet expert' {
    BeforeAll {
        $script:dir = New-TestFolder
        $script:tl = $tensorNet | New-MixtureModel | Start-MixtureTraining -Dataset $ds -Epochs 30 -Seed 0
        $script:mixed = Get-Extractor mp_eform, mp_bandgap, tensornet_matpes_pbe | New-MixtureModel -TopK 2 |
            Start-MixtureTraining -Dataset $ds -Epochs 10 -Seed 0
    }
    AfterAll { Remove-Item -Recurse -Force $script:dir }

    It 'takes all 19 experts from Get-Extractor' {
        $m = Get-Extractor | New-MixtureModel -TopK 4
        $m.Extractors.Count | Should -Be 19
        $m.Extractors[-1].Name | Should -Be 'tensornet_matpes_pbe'
    }

    It 'transfers from TensorNet alone: trained, and better than predicting the mean on validation' {
        $train = $ds.Split.Train | ForEach-Object { $ds.Entries[$_].Target }
        $mean = ($train | Measure-Object -Average).Average
        $baseline = ($ds.Split.Validation | ForEach-Object { [math]::Abs($ds.Entries[$_].Target - $mean) } | Measure-Object -Average).Average
        $tl.Name | Should -Be 'TL from tensornet_matpes_pbe'
        $tl.ValMAE | Should -BeLessThan $baseline
        $tl.GraphSettings | Should -BeNullOrEmpty
    }

    It 'predicts, saves and loads (the expert found again by name) with the same predictions' {
        foreach ($model in $tl, $mixed) {
            $expected = ($cifs | Invoke-PropertyPrediction -Model $model).Predicted
            $expected.Count | Should -Be 10
            $expected | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
            $path = Join-Path $dir "$([guid]::NewGuid().ToString('n')).moem"
            $model | Save-MixtureModel -Path $path | Out-Null
            ($cifs | Invoke-PropertyPrediction -Model (Import-MixtureModel $path)).Predicted | Should -Be $expected
        }
    }

    It 'fine-tunes TensorNet''s last block when asked, and predicts the same after saving and loading' {
        $tuned = $tensorNet | New-MixtureModel -TensorNetLastBlock FineTuned | Start-MixtureTraining -Dataset $ds -Epochs 5 -Seed 0
        $tuned.Options.TensorNetLastBlock | Should -Be 'FineTuned'
        $tuned.TestMAE | Should -Not -Be (($tensorNet | New-MixtureModel | Start-MixtureTraining -Dataset $ds -Epochs 5 -Seed 0).TestMAE)
        $expected = ($cifs | Invoke-PropertyPrediction -Model $tuned).Predicted
        $path = Join-Path $dir 'tuned.moem'
        $tuned | Save-MixtureModel -Path $path | Out-Null
        $loaded = Import-MixtureModel $path
        $loaded.Options.TensorNetLastBlock | Should -Be 'FineTuned'
        ($cifs | Invoke-PropertyPrediction -Model $loaded).Predicted | Should -Be $expected
    }

    It 'refuses to fine-tune a TensorNet block in a mixture that has none, naming its experts' {
        { Get-Extractor mp_eform | New-MixtureModel -TensorNetLastBlock FineTuned -ErrorAction Stop } |
            Should -Throw '*none of these experts is one: mp_eform (CGCNN)*' -ErrorId 'InvalidMixture*'
    }

    It 'scores TensorNet in the gate beside the CGCNN extractors' {
        $scores = Get-ExtractorScore -Model $mixed
        $scores.Extractor | Should -Be @('mp_eform', 'mp_bandgap', 'tensornet_matpes_pbe')
        @($scores | Where-Object Active).Count | Should -Be 2
        ($scores | Where-Object Extractor -eq 'tensornet_matpes_pbe').SourceTask | Should -BeLike '*universal interatomic potential*'
    }

    It 'says where to put the expert when a saved mixture needs it and no data folder has it' {
        $path = Join-Path $dir 'tl.moem'
        $tl | Save-MixtureModel -Path $path | Out-Null
        $saved = $env:MOEPS_DATA_PATH, $env:MOEPS_CACHE_PATH
        try {
            $env:MOEPS_DATA_PATH = New-TestFolder
            $env:MOEPS_CACHE_PATH = New-TestFolder
            Import-MixtureModel $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -BeLike '*TensorNet expert ''tensornet_matpes_pbe''*experts/tensornet_matpes_pbe/*'
        }
        finally { $env:MOEPS_DATA_PATH, $env:MOEPS_CACHE_PATH = $saved }
    }
}
