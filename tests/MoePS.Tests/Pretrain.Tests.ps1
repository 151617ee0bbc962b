BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Split = Join-Path $script:DataPath 'splits/seed0.json'
    $script:Dataset = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -SplitFile $script:Split
}

Describe 'Start-ExtractorPretrain' {
    BeforeAll {
        $script:Dir = New-TestFolder
        $script:Extractor = $script:Dataset | Start-ExtractorPretrain -Epochs 15 -Patience 15 -Device cpu
    }
    AfterAll { Remove-Item -Recurse -Force $script:Dir }

    It 'trains an extractor that beats predicting the mean of the training labels on validation' {
        $e = $script:Extractor
        $e.Name | Should -Be 'jarvis_2d_gap_tbmbj-stl-seed0'
        $e.Training.EpochsRun | Should -Be 15
        $e.Training.History.Count | Should -Be 15
        $e.Training.Device | Should -Be 'cpu'
        $train = $script:Dataset.Split.Train | ForEach-Object { $script:Dataset.Entries[$_].Target }
        $mean = ($train | Measure-Object -Average).Average
        $meanMae = ($script:Dataset.Split.Validation | ForEach-Object { [math]::Abs($script:Dataset.Entries[$_].Target - $mean) } |
            Measure-Object -Average).Average
        $e.Metrics.ValidationMae | Should -BeLessThan $meanMae
        $e.Metrics.ValidationMae | Should -Be $e.Training.ValidationMae
        $e.Metrics.TestMae | Should -BeGreaterThan 0
        $e.Metrics.BestEpoch | Should -BeIn (1..15)
    }

    It 'carries an epoch history that exports to CSV' {
        $csv = Join-Path $script:Dir 'history.csv'
        $script:Extractor.Training.History | Export-Csv -Path $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 15
        $rows[0].PSObject.Properties.Name | Should -Contain 'ValidationMae'
    }

    It 'predicts with Invoke-PropertyPrediction and survives an export/import round trip' {
        $test = $script:Dataset.Split.Test | ForEach-Object { $script:Dataset.Entries[$_].Crystal }
        $before = $test | Invoke-PropertyPrediction -Model $script:Extractor -Device cpu
        $before.Count | Should -Be 18
        $before[0].Unit | Should -Be $script:Dataset.Unit
        $path = Join-Path $script:Dir 'stl.moex'
        $script:Extractor | Export-Extractor -Path $path | Should -Not -BeNullOrEmpty
        $back = Import-Extractor -Path $path
        $back.Provenance.Origin | Should -Be 'trained by MoePS'
        ($test | Invoke-PropertyPrediction -Model $back -Device cpu).Predicted | Should -Be $before.Predicted
    }

    It 'reports progress per epoch with -Verbose' {
        $verbose = $script:Dataset | Start-ExtractorPretrain -Epochs 2 -Patience 2 -Device cpu -Name quick -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -match '^Epoch \d+/2').Count | Should -Be 2
    }

    It 'takes the network sizes as parameters' {
        $small = $script:Dataset | Start-ExtractorPretrain -Epochs 1 -Device cpu -Name small -AtomFeatureLength 16 -ConvCount 2 -HiddenLength 8
        $small.FeatureLength | Should -Be 16
        $small.Architecture.ConvCount | Should -Be 2
        $small.Architecture.HiddenLength | Should -Be 8
    }

    It 'refuses a dataset without a split with a clear error' {
        $unsplit = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        $result = $unsplit | Start-ExtractorPretrain -Epochs 1 -Device cpu -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^DatasetNotSplit'
        $err[0].Exception.Message | Should -Match 'no train/validation/test split.*Split-CrystalDataset'
    }

    It 'checkpoints into an existing folder given to -CheckpointPath, as NAME.ckpt, and resumes from it' {
        $folder = New-TestFolder
        $first = $script:Dataset | Start-ExtractorPretrain -Epochs 1 -Device cpu -Name infolder -CheckpointPath $folder
        Get-ChildItem $folder | ForEach-Object Name | Should -Be 'infolder.ckpt'
        $again = $script:Dataset | Start-ExtractorPretrain -Epochs 1 -Device cpu -Name infolder -CheckpointPath $folder -Resume
        $again.Training.ResumedFromEpoch | Should -Be 1
        $again.Metrics.TestMae | Should -Be $first.Metrics.TestMae
        Remove-Item -Recurse -Force $folder
    }

    It 'refuses -Resume without -CheckpointPath' {
        { $script:Dataset | Start-ExtractorPretrain -Epochs 1 -Resume -Device cpu -ErrorAction Stop } | Should -Throw '*checkpoint path*'
    }
}
