#Requires -Version 7.4
<#
.SYNOPSIS
    Runs a benchmark plan unattended (cron, systemd): resumes where the last attempt stopped,
    logs with timestamps, writes the workbook, and exits non-zero when a run failed.
.DESCRIPTION
    Results go to <OutputFolder>/<plan>.jsonl, one line per finished run, so an interrupted
    benchmark (reboot, kill, timeout) loses only the run in progress: the next start skips every
    run already in the file. At the end the workbook <OutputFolder>/<plan>.xlsx (with its PNG
    plots) is rewritten from all results in the file. A lock file keeps two starts from running
    the same plan at once.

    Exit codes: 0 all runs of the plan finished; 1 some run failed (the others are kept; the next
    start retries the failed ones); 2 the plan could not be run (bad YAML, no data, result file
    unreadable); 3 another start is still running this plan.

    The log (default <OutputFolder>/<plan>.log) gets one timestamped line per event: start,
    skipped runs, each finished run with its test MAE, each failure with its cause, the summary.

    cron — every night at 01:30 (crontab -e):

        30 1 * * * cd /opt/MoePS && MOEPS_DATA_PATH=/srv/moeps-data dotnet pwsh -NoProfile -NonInteractive -File examples/scheduled-benchmark.ps1 -Config examples/paper-table3.yaml -OutputFolder /var/lib/moeps/table3 >/dev/null 2>&1

    systemd — /etc/systemd/system/moeps-benchmark.service:

        [Unit]
        Description=MoePS benchmark (resumes an unfinished plan)
        After=network-online.target

        [Service]
        Type=oneshot
        User=moeps
        WorkingDirectory=/opt/MoePS
        Environment=MOEPS_DATA_PATH=/srv/moeps-data
        ExecStart=/usr/bin/dotnet pwsh -NoProfile -NonInteractive -File examples/scheduled-benchmark.ps1 -Config examples/paper-table3.yaml -OutputFolder /var/lib/moeps/table3
        TimeoutStartSec=infinity
        Nice=10

    and /etc/systemd/system/moeps-benchmark.timer:

        [Unit]
        Description=Run the MoePS benchmark nightly

        [Timer]
        OnCalendar=*-*-* 01:30:00
        Persistent=true

        [Install]
        WantedBy=timers.target

    then: systemctl daemon-reload && systemctl enable --now moeps-benchmark.timer
    (systemctl status moeps-benchmark shows the last exit code; journalctl -u moeps-benchmark the output).
.EXAMPLE
    dotnet pwsh -NoProfile -NonInteractive -File examples/scheduled-benchmark.ps1 -Config examples/quick.yaml -OutputFolder ./nightly
#>
[CmdletBinding()]
param(
    # The YAML experiment plan (examples/*.yaml).
    [Parameter(Mandatory)] [string] $Config,
    # Folder for the result file, the workbook, its plots and the log.
    [Parameter(Mandatory)] [string] $OutputFolder,
    # cpu, cuda or cuda:N; default: the plan's device.
    [string] $Device,
    # Log file; default: <OutputFolder>/<plan>.log.
    [string] $LogPath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # no progress bars in a log

$OutputFolder = (New-Item -ItemType Directory -Force $OutputFolder).FullName
$plan = [IO.Path]::GetFileNameWithoutExtension($Config)
$resultPath = Join-Path $OutputFolder "$plan.jsonl"
$reportPath = Join-Path $OutputFolder "$plan.xlsx"
if (-not $LogPath) { $LogPath = Join-Path $OutputFolder "$plan.log" }

function Write-Log([string] $Message) {
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message
    Add-Content -Path $LogPath -Value $line
    Write-Host $line
}

# One run of a plan at a time: the lock is held by this open file until the process ends.
$lockPath = Join-Path $OutputFolder "$plan.lock"
try { $lock = [IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
catch [IO.IOException] { Write-Log "Another run of '$plan' holds $lockPath; nothing to do."; exit 3 }

try {
    Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')
    Write-Log "Start: plan $Config, results $resultPath, PID $PID"
    $failed = 0
    $finished = 0
    $arguments = @{ Config = $Config; ResultPath = $resultPath }
    if ($Device) { $arguments.Device = $Device }
    # Results, failures (non-terminating errors) and verbose lines arrive in order, as they happen.
    Invoke-MoeBenchmark @arguments -Verbose -ErrorAction Continue 2>&1 3>&1 4>&1 | ForEach-Object {
        switch ($_) {
            { $_ -is [MoePS.Engine.Benchmarks.BenchmarkResult] -and -not $_.FromResultFile } {
                $finished++
                Write-Log ("Finished {0} {1} seed {2}: test MAE {3:G4} {4} ({5} epochs, {6:N0} s)" -f
                    $_.Task, $_.Method, $_.Seed, $_.TestMAE, $_.Unit, $_.Epochs, $_.Seconds)
            }
            { $_ -is [System.Management.Automation.ErrorRecord] } { $failed++; Write-Log "FAILED: $($_.Exception.Message)" }
            { $_ -is [System.Management.Automation.WarningRecord] } { Write-Log "WARNING: $($_.Message)" }
            { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -notlike 'Epoch *' } { Write-Log $_.Message }
        }
    }
    Write-Log "Runs finished now: $finished; failed: $failed"

    if (Test-Path $resultPath) {
        Export-MoeReport -ResultPath $resultPath -Path $reportPath -Force
        Write-Log "Workbook: $reportPath"
        Measure-MoeBenchmark -ResultPath $resultPath |
            Format-Table Task, Method, TopK, Seeds, TestMAE, ImprovementOverSTL, Paper -AutoSize | Out-String -Width 200 |
            ForEach-Object { $_.TrimEnd() -split "`n" } | Where-Object { $_ } | ForEach-Object { Write-Log $_ }
    }
    exit ($failed -gt 0 ? 1 : 0)
}
catch {
    Write-Log "ERROR: $($_.Exception.Message)"
    exit 2
}
finally {
    $lock.Dispose()   # the lock file stays: deleting it could let a third start slip past a second one
}
