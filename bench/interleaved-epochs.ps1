#Requires -Version 7.4
<#
.SYNOPSIS
    Epoch times of the same training three ways, each in a fresh process, interleaved round by round: the engine
    (MoePS.Bench, one run), Invoke-MoeBenchmark in pwsh, and the same as a Slurm array task on the tests' private
    one-node cluster (tests/MoePS.Tests/SlurmCluster.ps1; needs root, slurm-wlm and munge). Cases: STL and MoE k = 4 on
    expt_eform, MoE-18 on jarvis_2d_exfoliation. Prints one line per epoch, "case path round epoch seconds", and each
    path's median over epochs 2 to N with its ratio to the engine's. Build first (./build.ps1 Bench builds both).
.EXAMPLE
    $env:MOEPS_DATA_PATH = '../shared/data'; ./bench/interleaved-epochs.ps1 -Out /tmp/epochs -Rounds 3
#>
param(
    [Parameter(Mandatory)] [string] $Out,
    [int] $Rounds = 3,
    [int] $Epochs = 8
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
Import-Module (Join-Path $root 'MoePS/MoePS.psd1')
. (Join-Path $root 'tests/MoePS.Tests/SlurmCluster.ps1')
# The submitting shell waits on the task's status file, not on squeue: on a small node its polling competes with the task.
$env:MOEPS_SLURM_POLL_SECONDS = '600'
New-Item -ItemType Directory -Force $Out | Out-Null
$cases = @(
    @{ Name = 'stl'; Bench = 'cgcnn.stl_epoch'; Task = 'expt_eform'; Method = @{ Method = 'STL' } }
    @{ Name = 'moe_k4'; Bench = 'moe.k4'; Task = 'expt_eform'; Method = @{ Method = 'MoE'; TopK = 4 } }
    @{ Name = 'moe_k18'; Bench = 'moe.k18'; Task = 'jarvis_2d_exfoliation'; Method = @{ Method = 'MoE' } }
)

function Get-LoggedEpoch([string[]] $Lines) {
    foreach ($l in $Lines) { if ($l -match 'Epoch (\d+)/\d+:.*, ([\d.]+) s$') { [pscustomobject]@{ Epoch = [int]$Matches[1]; Seconds = [double]$Matches[2] } } }
}

function Get-EngineEpoch($Case, [string] $Json) {
    & dotnet run --project (Join-Path $root 'bench/MoePS.Bench/MoePS.Bench.csproj') -c Release --no-build -- "--filter=$($Case.Bench)" `
        --repeats=1 "--epochs=$Epochs" "--output=$Json" *> "$Json.log"
    if ($LASTEXITCODE -ne 0) { throw "The engine benchmark failed; see $Json.log." }
    $median = Get-Content $Json -Raw | ConvertFrom-Json | Where-Object name -eq "$($Case.Bench).epoch_seconds"
    if ($median.details -notmatch 'epochs \[([^\]]*)\] s') { throw "No epoch times in $Json." }
    $epoch = 1
    foreach ($s in $Matches[1] -split ', ') { [pscustomobject]@{ Epoch = ++$epoch; Seconds = [double]$s } }
}

$timed = [Collections.Generic.List[object]]::new()
$cluster = Start-TestSlurmCluster
try {
    foreach ($c in $cases) {
        $m = $c.Method
        foreach ($r in 1..$Rounds) {
            Write-Host ("{0} round {1} at {2}, load {3}" -f $c.Name, $r, (Get-Date -Format T), (Get-Content /proc/loadavg))
            $paths = [ordered]@{}
            $paths.engine = Get-EngineEpoch $c (Join-Path $Out "$($c.Name)-engine-$r.json")
            $paths.pwsh = Get-LoggedEpoch (Invoke-MoeBenchmark -Task $c.Task @m -Seed 0 -Epochs $Epochs -Patience $Epochs `
                -ResultPath (Join-Path $Out "$($c.Name)-pwsh-$r.jsonl") -Verbose 4>&1 | ForEach-Object { "$_" })
            $result = Join-Path $Out "$($c.Name)-slurm-$r.jsonl"
            Invoke-MoeBenchmark -Task $c.Task @m -Seed 0 -Epochs $Epochs -Patience $Epochs -ResultPath $result -Scheduler Slurm | Out-Null
            while (-not (Test-Path "$result.slurm/status/*.exit")) { Start-Sleep -Seconds 2 }
            $paths.slurm = Get-LoggedEpoch (Get-Content (Get-ChildItem "$result.slurm/logs/*.log"))
            foreach ($p in $paths.Keys) {
                foreach ($e in $paths[$p]) {
                    "{0} {1} {2} {3} {4}" -f $c.Name, $p, $r, $e.Epoch, $e.Seconds
                    $timed.Add([pscustomobject]@{ Case = $c.Name; Path = $p; Epoch = $e.Epoch; Seconds = $e.Seconds })
                }
            }
        }
    }
} finally {
    Stop-TestSlurmCluster $cluster
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}
foreach ($c in $cases) {
    $median = @{}
    foreach ($p in 'engine', 'pwsh', 'slurm') {
        $median[$p] = Get-Median ($timed | Where-Object { $_.Case -eq $c.Name -and $_.Path -eq $p -and $_.Epoch -ge 2 }).Seconds
    }
    Write-Host ("{0}: medians over epochs 2-{1}: engine {2:F3} s, pwsh {3:F3} s ({4:F2}x), Slurm task {5:F3} s ({6:F2}x)" -f $c.Name, $Epochs,
        $median.engine, $median.pwsh, ($median.pwsh / $median.engine), $median.slurm, ($median.slurm / $median.engine))
}
