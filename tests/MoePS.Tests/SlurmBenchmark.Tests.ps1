BeforeDiscovery {
    . $PSScriptRoot/SlurmCluster.ps1
    $SlurmSkip = Get-SlurmSkipReason
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    . $PSScriptRoot/SlurmCluster.ps1
    $script:Folder = New-TestFolder
    $script:ResultFile = Join-Path $Folder 'results/slurm.jsonl'
    # Five one-epoch STL runs of a 120-row task: four run at once (the array's %4), the fifth waits.
    $script:Plan = Join-Path $Folder 'slurm.yaml'
    Set-Content $Plan @'
name: slurm-test
tasks: [jarvis_2d_gap_tbmbj]
methods: [STL]
seeds: [0, 1, 2, 3, 4]
device: cpu
resultPath: results/slurm.jsonl
hyperparameters:
  epochs: 1
  patience: 1
'@
    function Get-RunKey($Result) { '{0}/{1}/{2}/{3}' -f $Result.Task, $Result.Method, $Result.Seed, $Result.ConfigHash }
    function Get-ResultKeys { @([MoePS.Engine.Benchmarks.ResultStore]::new($ResultFile).ReadAll() | ForEach-Object { Get-RunKey $_ }) }
}

AfterAll { Remove-Item -Recurse -Force $Folder -ErrorAction SilentlyContinue }

Describe 'Invoke-MoeBenchmark -Scheduler Slurm' -Skip:([bool]$SlurmSkip) {
    BeforeAll {
        $script:Cluster = Start-TestSlurmCluster
        $env:MOEPS_SLURM_POLL_SECONDS = '1'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $script:Job = Invoke-MoeBenchmark -Config $Plan -Scheduler Slurm -MaxConcurrent 4
        $script:SubmitSeconds = $clock.Elapsed.TotalSeconds
        # A run that fails on its node: the device does not exist there.
        $script:FailingJob = Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method STL -Seed 0 -Epochs 1 -Device cuda:7 `
            -ResultPath (Join-Path $Folder 'failing.jsonl') -Scheduler Slurm
        # Array task 4 waits for a free slot (%4); cancel it there, as `scancel JOB_4` would.
        Wait-Until { $Job.ChildJobs[4].StatusMessage -eq 'JobArrayTaskLimit' -or $Job.ChildJobs[4].State -ne 'NotStarted' } 30 'task 4 to wait for a slot'
        $script:TaskStateBeforeStop = $Job.ChildJobs[4].State
        $Job.ChildJobs[4] | Stop-Job
        $Job, $FailingJob | Wait-Job -Timeout 150 | Out-Null
        $script:Received = @($Job | Receive-Job -Keep)
    }

    AfterAll {
        Get-Job | Where-Object PSJobTypeName -eq 'SlurmJob' | Remove-Job -Force -ErrorAction SilentlyContinue
        Stop-TestSlurmCluster $Cluster
        Remove-Item Env:MOEPS_SLURM_POLL_SECONDS -ErrorAction SilentlyContinue
    }

    It 'returns a job at once, with one child job per run, that Get-Job lists' {
        $SubmitSeconds | Should -BeLessThan 10
        $Job.PSJobTypeName | Should -Be 'SlurmJob'
        $Job.SlurmJobId | Should -Match '^\d+$'
        @($Job.ChildJobs).Count | Should -Be 5
        $Job.ChildJobs[0].Name | Should -Be 'jarvis_2d_gap_tbmbj STL seed 0'
        (Get-Job -Id $Job.Id) | Should -Be $Job
        Test-Path (Join-Path $Folder "results/slurm.jsonl.slurm/job-$($Job.SlurmJobId).json") | Should -BeTrue
    }

    It 'runs four array tasks at once, each appending its result: nothing lost, torn or doubled' {
        $TaskStateBeforeStop | Should -Be 'NotStarted'
        $Job.ChildJobs[0..3].State | Should -Be @('Completed', 'Completed', 'Completed', 'Completed')
        $keys = Get-ResultKeys
        $keys.Count | Should -Be 4
        @($keys | Sort-Object -Unique).Count | Should -Be 4
        @(Get-Content $ResultFile).Count | Should -Be 4
    }

    It 'shows the cancelled task as a stopped child job and the job as stopped' {
        $Job.ChildJobs[4].State | Should -Be 'Stopped'
        $Job.State | Should -Be 'Stopped'
    }

    It 'gives the finished runs to Receive-Job as BenchmarkResult objects read from the result file' {
        $Received.Count | Should -Be 4
        $Received | ForEach-Object { $_ | Should -BeOfType ([MoePS.Engine.Benchmarks.BenchmarkResult]) }
        @($Received | ForEach-Object { Get-RunKey $_ } | Sort-Object) | Should -Be @(Get-ResultKeys | Sort-Object)
        $Received | ForEach-Object { $_.Epochs | Should -Be 1; $_.Device | Should -Be 'cpu' }
    }

    It 'shows a run that failed on its node as a failed child job with the error from its log' {
        $FailingJob.State | Should -Be 'Failed'
        $child = $FailingJob.ChildJobs[0]
        $child.State | Should -Be 'Failed'
        $child.ExitCode | Should -Be 1
        $errors = @($child | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable failure)
        $errors.Count | Should -Be 0
        "$failure" | Should -Match "Device 'cuda:7' is not available"
        Test-Path (Join-Path $Folder 'failing.jsonl') | Should -BeFalse
    }

    It 'resubmitted from a new shell, runs only the missing run; Get-MoeSlurmJob re-attaches after that shell is gone' {
        $child = Get-PwshCommandLine -Arguments '-Command', "Import-Module '$manifest'; `$null = Invoke-MoeBenchmark -Config '$Plan' -Scheduler Slurm"
        $process = Start-Process -FilePath $child.FilePath -ArgumentList $child.Arguments -PassThru -Wait `
            -RedirectStandardError (Join-Path $Folder 'resubmit.err') -RedirectStandardOutput (Join-Path $Folder 'resubmit.out')
        $process.ExitCode | Should -Be 0 -Because (Get-Content -Raw (Join-Path $Folder 'resubmit.err'))

        $jobs = @(Get-MoeSlurmJob -ResultPath $ResultFile)
        $jobs.Count | Should -Be 2
        $jobs[0] | Should -Be $Job
        $resubmitted = $jobs[1]
        @($resubmitted.ChildJobs).Count | Should -Be 1
        $resubmitted.ChildJobs[0].Name | Should -Be 'jarvis_2d_gap_tbmbj STL seed 4'
        $before = Get-ResultKeys
        $resubmitted | Wait-Job -Timeout 90 | Out-Null
        $resubmitted.State | Should -Be 'Completed'
        $result = @($resubmitted | Receive-Job)
        $result.Count | Should -Be 1
        $result[0].Seed | Should -Be 4
        $after = Get-ResultKeys
        $after.Count | Should -Be 5
        $after[0..3] | Should -Be $before
        @($after | Sort-Object -Unique).Count | Should -Be 5
    }

    It 'submits nothing when every run is in the result file' {
        $verbose = @(Invoke-MoeBenchmark -Config $Plan -Scheduler Slurm -Verbose 4>&1)
        @($verbose | Where-Object { $_ -is [System.Management.Automation.Job] }).Count | Should -Be 0
        $verbose.Message | Should -Contain 'Nothing to submit: every run of the plan is in the result file or in a job that has not ended.'
    }

    It 'Stop-Job cancels the whole array (scancel) and the job ends stopped' {
        $long = Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj -Method STL -Seed 0, 1 -Epochs 500 -Patience 500 -Device cpu `
            -ResultPath (Join-Path $Folder 'stopped.jsonl') -Scheduler Slurm
        $long | Stop-Job
        $long.State | Should -Be 'Stopped'
        $long.ChildJobs.State | Should -Be @('Stopped', 'Stopped')
        & squeue --noheader --array --jobs=$($long.SlurmJobId) --states=PENDING,RUNNING | Should -BeNullOrEmpty
    }

    It 'says so when no job was submitted for a file' {
        { Get-MoeSlurmJob -ResultPath (Join-Path $Folder 'never.jsonl') -ErrorAction Stop } |
            Should -Throw -ErrorId 'SlurmJobNotFound,MoePS.Cmdlets.GetMoeSlurmJobCommand' -ExpectedMessage '*No Slurm job was submitted for*never.jsonl*'
    }

    It 'Remove-Job takes a finished Slurm job out of the session' {
        $id = $Job.Id
        Remove-Job -Job $Job
        Get-Job -Id $id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-MoeBenchmark -Scheduler Slurm without Slurm' {
    It 'stops with a clear error when sbatch is not on the PATH' {
        $path = $env:PATH
        try {
            $env:PATH = $Folder
            { Invoke-MoeBenchmark -Config $Plan -Scheduler Slurm -ErrorAction Stop } |
                Should -Throw -ErrorId 'SlurmNotFound,MoePS.Cmdlets.InvokeMoeBenchmarkCommand' -ExpectedMessage '*sbatch is not on the PATH*'
        }
        finally { $env:PATH = $path }
    }
}

Describe 'examples/slurm-table3.yaml' {
    It 'plans the same runs as examples/paper-table3.yaml' {
        $slurm = [MoePS.Engine.Benchmarks.ExperimentPlanReader]::Load((Join-Path $RepoRoot 'examples/slurm-table3.yaml'))
        $local = [MoePS.Engine.Benchmarks.ExperimentPlanReader]::Load((Join-Path $RepoRoot 'examples/paper-table3.yaml'))
        $keys = @($slurm.Runs() | ForEach-Object { "$($_.Key)" })
        $keys.Count | Should -Be 240
        $keys | Should -Be @($local.Runs() | ForEach-Object { "$($_.Key)" })
        $slurm.Device | Should -Be 'auto'
    }
}
