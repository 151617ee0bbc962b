# Dot-sourced by the Slurm test files: a private one-node Slurm cluster (munged, slurmctld, slurmd)
# from a generated slurm.conf in a temporary folder, on free ports, stopped by the PIDs it wrote.
# A requeued job may start again after cred_expire seconds (Slurm's default: 120).
# The node offers 8 CPUs whatever the machine has (config_overrides), so several array tasks run at once.
# Use: BeforeDiscovery { . SlurmCluster.ps1; $SlurmSkip = Get-SlurmSkipReason }, Describe -Skip:([bool]$SlurmSkip),
# Start-TestSlurmCluster in its BeforeAll and Stop-TestSlurmCluster in its AfterAll. Under CI=true nothing
# is skipped: a machine that cannot run the cluster fails the Slurm tests.

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Test-SlurmPrerequisite {
    $missing = @('munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'scontrol') |
        Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue) }
    if ($missing) { return "Slurm is not installed (missing: $($missing -join ', '); Debian: apt-get install slurm-wlm munge)" }
    if ((& id -u) -ne '0') { return 'a private Slurm cluster needs root (slurmd runs jobs as their user)' }
    $null
}

# Why the Slurm tests skip on this machine, or $null when they run (always under CI).
function Get-SlurmSkipReason {
    if ($env:CI -eq 'true') { return $null }
    $reason = Test-SlurmPrerequisite
    if ($reason) { Write-Warning "Skipping the Slurm tests: $reason." }
    $reason
}

function Start-TestSlurmCluster {
    $reason = Test-SlurmPrerequisite
    if ($reason) { throw "The Slurm tests cannot run here: $reason." }
    $root = Join-Path ([IO.Path]::GetTempPath()) ('moeps-slurm-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
    $dirs = 'munge', 'state', 'spool', 'run', 'log'
    foreach ($d in $dirs) { New-Item -ItemType Directory -Path (Join-Path $root $d) -Force | Out-Null }
    & chmod 700 $root (Join-Path $root 'munge')
    $cluster = [pscustomobject]@{
        Root = $root
        Conf = Join-Path $root 'slurm.conf'
        Socket = Join-Path $root 'munge/munge.socket'
        PidFiles = @((Join-Path $root 'run/slurmd.pid'), (Join-Path $root 'run/slurmctld.pid'), (Join-Path $root 'munge/munged.pid'))
        Node = (& hostname -s).Trim()
        PreviousConf = $env:SLURM_CONF
    }
    try {
        $key = Join-Path $root 'munge/munge.key'
        [IO.File]::WriteAllBytes($key, [Security.Cryptography.RandomNumberGenerator]::GetBytes(1024))
        & chmod 400 $key
        & munged --key-file=$key --socket=$($cluster.Socket) --pid-file=$(Join-Path $root 'munge/munged.pid') `
            --log-file=$(Join-Path $root 'log/munged.log') --seed-file=$(Join-Path $root 'munge/munged.seed') --force
        if ($LASTEXITCODE -ne 0) { throw "munged did not start: $(Get-Content -Raw (Join-Path $root 'log/munged.log') -ErrorAction SilentlyContinue)" }

        $ctldPort = Get-FreeTcpPort
        $slurmdPort = Get-FreeTcpPort
        while ($slurmdPort -eq $ctldPort) { $slurmdPort = Get-FreeTcpPort }
        Set-Content $cluster.Conf @"
ClusterName=moepstest
SlurmctldHost=$($cluster.Node)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$($cluster.Socket),cred_expire=5
CredType=cred/munge
StateSaveLocation=$root/state
SlurmdSpoolDir=$root/spool
SlurmctldPidFile=$root/run/slurmctld.pid
SlurmdPidFile=$root/run/slurmd.pid
SlurmctldPort=$ctldPort
SlurmdPort=$slurmdPort
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
KillWait=5
MinJobAge=600
SlurmctldLogFile=$root/log/slurmctld.log
SlurmdLogFile=$root/log/slurmd.log
NodeName=$($cluster.Node) CPUs=8 State=UNKNOWN
PartitionName=debug Nodes=$($cluster.Node) Default=YES MaxTime=INFINITE State=UP
"@
        $env:SLURM_CONF = $cluster.Conf
        & slurmctld -f $cluster.Conf
        if ($LASTEXITCODE -ne 0) { throw 'slurmctld did not start' }
        & slurmd -f $cluster.Conf
        if ($LASTEXITCODE -ne 0) { throw 'slurmd did not start' }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        do {
            Start-Sleep -Milliseconds 250
            $state = (& sinfo --noheader --format=%t 2>$null) -join ''
        } until ($state -match '^idle' -or $clock.Elapsed.TotalSeconds -gt 30)
        if ($state -notmatch '^idle') { throw "the node did not become idle (state '$state')" }
        $cluster
    }
    catch {
        $logs = Get-ChildItem (Join-Path $root 'log') -File -ErrorAction SilentlyContinue |
            ForEach-Object { "--- $($_.Name)`n" + ((Get-Content $_.FullName -Tail 20) -join "`n") }
        Stop-TestSlurmCluster $cluster
        throw "The private Slurm cluster did not start: $($_.Exception.Message)`n$($logs -join "`n")"
    }
}

# Stops the daemons by the PIDs in their pid files (slurmd, slurmctld, munged), waits for them, removes the folder.
function Stop-TestSlurmCluster($Cluster) {
    if (-not $Cluster) { return }
    # Jobs first: their step daemons outlive slurmd.
    if (Test-Path (Join-Path $Cluster.Root 'run/slurmctld.pid')) {
        & scancel --full --quiet --cluster=moepstest --user=$(& id -un) 2>$null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while ((& squeue --noheader --format=%i 2>$null) -and $clock.Elapsed.TotalSeconds -lt 15) { Start-Sleep -Milliseconds 250 }
    }
    # Each pid file names a daemon this helper started; the name check guards against a reused PID.
    $daemons = foreach ($file in $Cluster.PidFiles) {
        if (-not (Test-Path $file)) { continue }
        $process = Get-Process -Id ([int](Get-Content $file -TotalCount 1)) -ErrorAction SilentlyContinue
        if ($process -and $process.ProcessName -in 'slurmd', 'slurmctld', 'munged') { $process }
    }
    foreach ($p in $daemons) { & kill -TERM $p.Id }
    foreach ($p in $daemons) {
        if (-not $p.WaitForExit(10000)) { & kill -KILL $p.Id; $p.WaitForExit(5000) | Out-Null }
    }
    $env:SLURM_CONF = $Cluster.PreviousConf
    Remove-Item -Recurse -Force $Cluster.Root -ErrorAction SilentlyContinue
}

# Waits until $Condition returns a true value (polling), or fails after $TimeoutSeconds naming $What.
function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds, [string] $What) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Timed out after $TimeoutSeconds s waiting for $What." }
        Start-Sleep -Milliseconds 250
    }
}
