# Steps behind build.ps1. Every dotnet call checks its exit code.

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments, [string] $What)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE): $FilePath $($Arguments -join ' ')" }
}

# Debian packages that some tests need, by the command each provides: a private one-node Slurm cluster
# (Slurm.Tests), and headless LibreOffice with poppler to print the workbook to PDF (Reports.Tests).
$TestPackages = [ordered]@{
    munged = 'munge'; slurmctld = 'slurm-wlm'; slurmd = 'slurm-wlm'; sbatch = 'slurm-wlm'
    soffice = 'libreoffice-calc-nogui'; pdfinfo = 'poppler-utils'; pdftotext = 'poppler-utils'
}

# Installs the missing test packages with apt-get when this is root on a Debian-like machine; otherwise says
# which tests will skip (and, under CI=true, fail).
function Install-TestPackages {
    $missing = @($TestPackages.GetEnumerator() | Where-Object { -not (Get-Command $_.Key -ErrorAction Ignore) } |
        ForEach-Object Value | Select-Object -Unique)
    if ($missing.Count -eq 0) { return }
    if ((& id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Warning ("Tests that need the Debian packages $($missing -join ', ') will skip (under CI=true: fail). " +
            "Install them as root: apt-get install --no-install-recommends $($missing -join ' ')")
        return
    }
    Write-Host "Installing the packages some tests need: $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-q') 'apt-get update'
    Invoke-Native apt-get (@('install', '-y', '-q', '--no-install-recommends') + $missing) 'apt-get install'
}

function Invoke-ModuleBuild {
    param([string] $Root, [string] $Backend, [string] $Configuration)
    $project = Join-Path $Root 'src/MoePS.Cmdlets/MoePS.Cmdlets.csproj'
    $moduleDir = Join-Path $Root 'MoePS'
    $common = @('-r', 'linux-x64', '-c', $Configuration, "-p:MoeBackend=$Backend", '-nologo', '-v', 'quiet')
    if ($Backend -eq 'Cuda') {
        & dotnet restore $project @('-r', 'linux-x64', "-p:MoeBackend=Cuda", '-nologo', '-v', 'quiet') | Out-Host
        if ($LASTEXITCODE -ne 0) {
            throw ("The CUDA backend needs the NuGet package 'TorchSharp-cuda-linux' 0.107.0 (TorchSharp with " +
                "libtorch 2.10 for CUDA 12.8), and it could not be restored from your package sources. " +
                "Add a source that has it (nuget.org does) with 'dotnet nuget add source', or build the default " +
                "CPU backend with './build.ps1 Build'.")
        }
    }
    Write-Host "Building MoePS ($Backend, $Configuration) into $moduleDir"
    Invoke-Native dotnet (@('publish', $project, '--self-contained', 'false', '-o', $moduleDir) + $common) 'dotnet publish'
    foreach ($required in 'MoePS.Cmdlets.dll', 'MoePS.Engine.dll', 'TorchSharp.dll', 'libLibTorchSharp.so') {
        if (-not (Test-Path (Join-Path $moduleDir $required))) { throw "Build output is incomplete: $required missing in $moduleDir" }
    }
    Invoke-InFreshPwsh -Root $Root -Script (Join-Path $Root 'build/New-CmdletHelp.ps1') -Arguments @('-ModuleDir', $moduleDir)
    $moduleDir
}

function Invoke-XunitSuite {
    param([string] $Root, [string] $Configuration, [string] $Filter)
    $results = Join-Path $Root 'artifacts/test'
    New-Item -ItemType Directory -Force $results | Out-Null
    $trx = Join-Path $results 'engine.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    $arguments = @('test', (Join-Path $Root 'tests/MoePS.Engine.Tests/MoePS.Engine.Tests.csproj'), '-c', $Configuration,
        '--logger', 'trx;LogFileName=engine.trx', '--logger', 'console;verbosity=minimal', '--results-directory', $results, '-nologo')
    if ($Filter) { $arguments += @('--filter', $Filter) }
    & dotnet @arguments | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $trx)) {
        Write-Warning "xunit produced no result file (exit code $exit)."
        return [pscustomobject]@{ Suite = 'xunit'; Passed = 0; Failed = 1; Crashed = $true }
    }
    [xml] $doc = Get-Content -Raw $trx
    $c = $doc.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Suite = 'xunit'; Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout; Crashed = $false }
}

function Get-PesterManifest {
    param([string] $Root)
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/MoePS.Tests/PesterRestore.csproj'), '-nologo', '-v', 'quiet') 'Pester restore'
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester was restored but $manifest is missing." }
    $manifest
}

function Invoke-PesterSuite {
    param([string] $Root, [string[]] $Path)
    $pester = Get-PesterManifest -Root $Root
    New-Item -ItemType Directory -Force (Join-Path $Root "artifacts/test") | Out-Null
    $resultFile = Join-Path $Root 'artifacts/test/pester.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $paths = ($Path -split ',') | ForEach-Object { if ([IO.Path]::IsPathRooted($_)) { $_ } else { Join-Path $Root $_ } }
    # A fresh process: the module's DLLs are never loaded into the build's own session.
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Invoke-Pester.ps1') `
        -PesterManifest $pester -ModuleManifest (Join-Path $Root 'MoePS/MoePS.psd1') -Path ($paths -join ',') -ResultFile $resultFile | Out-Host
    if (-not (Test-Path $resultFile)) {
        Write-Warning "Pester produced no result file (exit code $LASTEXITCODE)."
        return [pscustomobject]@{ Suite = 'Pester'; Passed = 0; Failed = 1; Crashed = $true }
    }
    $r = Get-Content -Raw $resultFile | ConvertFrom-Json
    [pscustomobject]@{ Suite = 'Pester'; Passed = [int]$r.Passed; Failed = [int]$r.Failed; Crashed = $false }
}

function Invoke-InFreshPwsh {
    param([string] $Root, [string] $Script, [string[]] $Arguments = @())
    & dotnet pwsh -NoProfile -File $Script @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$Script failed (exit code $LASTEXITCODE)." }
}

function Invoke-Benchmarks {
    param([string] $Root, [string] $Configuration, [string] $Filter)
    $out = Join-Path $Root 'artifacts/bench'
    New-Item -ItemType Directory -Force $out | Out-Null
    $project = Join-Path $Root 'bench/MoePS.Bench/MoePS.Bench.csproj'
    Invoke-Native dotnet @('build', $project, '-c', $Configuration, '-nologo', '-v', 'quiet') 'benchmark build'
    $resultFile = Join-Path $out 'results.json'
    Invoke-Native dotnet @('run', '--project', $project, '-c', $Configuration, '--no-build', '--', "--filter=$Filter", "--output=$resultFile") 'benchmarks'
    Get-Content -Raw $resultFile | ConvertFrom-Json |
        Format-Table name, @{ n = 'value'; e = { '{0:G5}' -f $_.value } }, unit, details -AutoSize -Wrap | Out-Host
    Write-Host "Results: $resultFile"
}

Export-ModuleMember -Function Install-TestPackages, Invoke-ModuleBuild, Invoke-XunitSuite, Invoke-PesterSuite, Invoke-InFreshPwsh, Invoke-Benchmarks
