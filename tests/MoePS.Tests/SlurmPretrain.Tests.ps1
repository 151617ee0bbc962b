BeforeDiscovery {
    . $PSScriptRoot/SlurmCluster.ps1
    $SlurmSkip = Get-SlurmSkipReason
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    . $PSScriptRoot/SlurmCluster.ps1
    $script:Folder = New-TestFolder
    # The weights' SHA-256 as a .moex records it.
    function Get-WeightsHash([string] $Path) {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $reader = [IO.StreamReader]::new($zip.GetEntry('extractor.json').Open())
            try { ($reader.ReadToEnd() | ConvertFrom-Json).WeightsSha256 } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }
}

AfterAll { Remove-Item -Recurse -Force $Folder -ErrorAction SilentlyContinue }

Describe 'Start-ExtractorPretrain -Scheduler Slurm, signalled before its time limit' -Skip:([bool]$SlurmSkip) {
    BeforeAll {
        $script:Cluster = Start-TestSlurmCluster
        $env:MOEPS_SLURM_POLL_SECONDS = '1'
        $dataset = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -Seed 0
        $training = @{ Epochs = 3; Patience = 3; Seed = 0; Device = 'cpu' }
        # The job's training holds after epoch 1 until the signal below stops it (a test hook, see
        # SlurmArrayTask.EpochLog): an epoch takes 0.07 s to 3.5 s on a busy machine, so otherwise
        # the training may end before the signal comes, leaving nothing to requeue.
        $env:MOEPS_TEST_HOLD_AFTER_EPOCH = '1'
        $script:Job = $dataset | Start-ExtractorPretrain @training -Scheduler Slurm -CheckpointPath "$Folder/ckpt/"
        Remove-Item Env:MOEPS_TEST_HOLD_AFTER_EPOCH   # the job took its environment along, requeued stretches too
        $script:Log = Join-Path $Folder "ckpt/jarvis_2d_gap_tbmbj-stl-seed0.ckpt.slurm/logs/$($Job.SlurmJobId)_0.log"
        Wait-Until { (Test-Path $Log) -and (Get-Content -Raw $Log) -match 'Epoch 1/3' } 90 'the first epoch on the cluster'
        # What Slurm sends two minutes before the time limit (--signal=B:USR1@120), sent now.
        & scancel --signal=USR1 --batch "$($Job.SlurmJobId)_0"
        # Meanwhile the same training, uninterrupted, here.
        $script:Uninterrupted = $dataset | Start-ExtractorPretrain @training
        Export-Extractor -Extractor $Uninterrupted -Path (Join-Path $Folder 'uninterrupted.moex')
        $Job | Wait-Job -Timeout 120 | Out-Null
        $script:Trained = @($Job | Receive-Job)
        $script:LogText = Get-Content -Raw $Log
    }

    AfterAll {
        Get-Job | Where-Object PSJobTypeName -eq 'SlurmJob' | Remove-Job -Force -ErrorAction SilentlyContinue
        Stop-TestSlurmCluster $Cluster
        Remove-Item Env:MOEPS_SLURM_POLL_SECONDS, Env:MOEPS_TEST_HOLD_AFTER_EPOCH -ErrorAction SilentlyContinue
    }

    It 'stopped on the signal, requeued itself and resumed from its checkpoint' {
        $LogText | Should -Match 'SIGTERM: stopping\s+\S+ stopped after epoch 1;'
        $LogText | Should -Match 'MoePS: checkpoint saved; requeueing job'
        $LogText | Should -Match '\(restart 1\)'
        $LogText | Should -Match 'resuming from it'
        $Job.State | Should -Be 'Completed'
    }

    It 'is found again from its checkpoint folder' {
        Get-MoeSlurmJob -Path (Join-Path $Folder 'ckpt') | Should -Be $Job
    }

    It 'ends with the same model as an uninterrupted run with the same seed' {
        $Trained.Count | Should -Be 1
        $Trained[0] | Should -BeOfType ([MoePS.Engine.Models.Extractors.Extractor])
        $Trained[0].Metrics.TestMae | Should -Be $Uninterrupted.Metrics.TestMae
        $Trained[0].Metrics.BestEpoch | Should -Be $Uninterrupted.Metrics.BestEpoch
        Get-WeightsHash (Join-Path $Folder 'ckpt/jarvis_2d_gap_tbmbj-stl-seed0.moex') |
            Should -Be (Get-WeightsHash (Join-Path $Folder 'uninterrupted.moex'))
    }
}

Describe 'Start-ExtractorPretrain -Scheduler Slurm without a checkpoint path' {
    It 'is refused: the job must checkpoint to go through time limits' {
        $dataset = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -Seed 0
        { $dataset | Start-ExtractorPretrain -Epochs 1 -Scheduler Slurm -ErrorAction Stop } |
            Should -Throw -ErrorId 'SlurmNeedsCheckpoint,MoePS.Cmdlets.StartExtractorPretrainCommand'
    }
}
