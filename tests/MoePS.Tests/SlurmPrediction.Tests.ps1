BeforeDiscovery {
    . $PSScriptRoot/SlurmCluster.ps1
    $SlurmSkip = Get-SlurmSkipReason
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    . $PSScriptRoot/SlurmCluster.ps1
    $script:Folder = New-TestFolder
    $script:ModelFile = Join-Path $Folder 'mp_eform.moex'
    Get-Extractor mp_eform | Export-Extractor -Path $ModelFile
    $script:Broken = Join-Path $Folder 'zz-broken.cif'
    Set-Content $Broken 'not a CIF'
    $script:Inputs = "$DataPath/cgcnn-sample/*.cif", $Broken
    $script:Files = @(Get-ChildItem "$DataPath/cgcnn-sample/*.cif") + @(Get-Item $Broken)
}

AfterAll { Remove-Item -Recurse -Force $Folder -ErrorAction SilentlyContinue }

Describe 'Invoke-PropertyPrediction -Path, here' {
    It 'predicts structure files, one Prediction per structure, and reports the file it cannot read' {
        $predictions = @(Invoke-PropertyPrediction -Model $ModelFile -Path $Inputs -ErrorAction SilentlyContinue -ErrorVariable failures)
        $predictions.Count | Should -Be ($Files.Count - 1)
        $predictions.Id | Should -Be @($Files[0..($Files.Count - 2)].BaseName)
        $failures.Count | Should -Be 1
        "$($failures[0])" | Should -Match 'zz-broken\.cif'
    }

    It 'refuses -OutputPath without -Scheduler Slurm, pointing to Export-Csv' {
        { Invoke-PropertyPrediction -Model $ModelFile -Path $Inputs -OutputPath (Join-Path $Folder 'x.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutputPathNeedsSlurm,MoePS.Cmdlets.InvokePropertyPredictionCommand' -ExpectedMessage '*Export-Csv*'
    }
}

Describe 'Invoke-PropertyPrediction -Scheduler Slurm -Shards' -Skip:([bool]$SlurmSkip) {
    BeforeAll {
        $script:Cluster = Start-TestSlurmCluster
        $env:MOEPS_SLURM_POLL_SECONDS = '1'
        $script:Output = Join-Path $Folder 'preds.csv'
        $script:Job = Invoke-PropertyPrediction -Model $ModelFile -Path $Inputs -Scheduler Slurm -Shards 3 -OutputPath $Output
        $script:Here = @(Invoke-PropertyPrediction -Model $ModelFile -Path $Inputs -ErrorAction SilentlyContinue)
        $Job | Wait-Job -Timeout 120 | Out-Null
        $script:Received = @($Job | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable failures)
        $script:Failures = $failures
        $script:Rows = @(Import-Csv $Output)
    }

    AfterAll {
        Get-Job | Where-Object PSJobTypeName -eq 'SlurmJob' | Remove-Job -Force -ErrorAction SilentlyContinue
        Stop-TestSlurmCluster $Cluster
        Remove-Item Env:MOEPS_SLURM_POLL_SECONDS -ErrorAction SilentlyContinue
    }

    It 'runs one array task per shard, each a consecutive slice of the files' {
        $Job.State | Should -Be 'Completed'
        @($Job.ChildJobs).Count | Should -Be 3
        $Job.ChildJobs.State | Should -Be @('Completed', 'Completed', 'Completed')
    }

    It 'merges the shards into one row per structure, in input order, with the unreadable file as a row with its error' {
        $Rows.Count | Should -Be $Files.Count
        $Rows.Source | Should -Be @($Files.FullName)
        $Rows[-1].Error | Should -Match 'not a CIF|unexpected'
        $Rows[-1].Predicted | Should -BeNullOrEmpty
        $Rows[0..($Rows.Count - 2)] | ForEach-Object { $_.Error | Should -BeNullOrEmpty }
    }

    It 'predicts what the same model predicts here' {
        $Rows[0..($Rows.Count - 2)].Id | Should -Be $Here.Id
        for ($i = 0; $i -lt $Here.Count; $i++) {
            # float32 sums may differ in the last bit with the batch's size
            [double]$Rows[$i].Predicted | Should -BeGreaterOrEqual ($Here[$i].Predicted - 1e-5)
            [double]$Rows[$i].Predicted | Should -BeLessOrEqual ($Here[$i].Predicted + 1e-5)
        }
    }

    It 'gives Receive-Job the Predictions in input order and an error for the structure without one' {
        $Received.Count | Should -Be $Here.Count
        $Received | ForEach-Object { $_ | Should -BeOfType ([MoePS.Engine.Models.Prediction]) }
        $Received.Id | Should -Be $Here.Id
        $Failures.Count | Should -Be 1
        "$($Failures[0])" | Should -Match 'zz-broken\.cif'
    }
}
