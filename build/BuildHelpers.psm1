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
    Install-DebianPackages $missing "Tests that need the Debian packages $($missing -join ', ') will skip (under CI=true: fail)."
}

# The Python that runs the paper's code for Bench -Reference (bench/reference/paper_epochs.py), and its Debian packages.
$ReferencePython = '/usr/bin/python3'
$ReferencePackages = @('python3-torch', 'python3-pymatgen')

# Installs Debian's python3-torch and python3-pymatgen when $ReferencePython cannot import torch and pymatgen and this
# is root on a Debian-like machine; otherwise the benchmarks say that the paper's code cannot run.
function Install-ReferencePackages {
    $ready = (Test-Path $ReferencePython) -and $(& $ReferencePython -c 'import torch, pymatgen.core' 2>$null; $LASTEXITCODE -eq 0)
    if ($ready) { return }
    Install-DebianPackages $ReferencePackages "The paper's code cannot be timed without $ReferencePython and the Debian packages $($ReferencePackages -join ', ')."
}

# apt-get install of $Packages as root on a Debian-like machine; elsewhere a warning: $Consequence, and the command to run as root.
function Install-DebianPackages {
    param([string[]] $Packages, [string] $Consequence)
    if ($Packages.Count -eq 0) { return }
    if ((& id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Warning "$Consequence Install them as root: apt-get install --no-install-recommends $($Packages -join ' ')"
        return
    }
    Write-Host "Installing the Debian packages: $($Packages -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-q') 'apt-get update'
    Invoke-Native apt-get (@('install', '-y', '-q', '--no-install-recommends') + $Packages) 'apt-get install'
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
    # --blame: when the test host crashes, the log names the test that was running.
    $arguments = @('test', (Join-Path $Root 'tests/MoePS.Engine.Tests/MoePS.Engine.Tests.csproj'), '-c', $Configuration, '--blame',
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
    # A crashed test host still writes a result file, counting only the tests that ran before it died: that is a failure.
    $aborted = @($doc.TestRun.ResultSummary.RunInfos.RunInfo | Where-Object { $_.Text -match 'aborted' } | ForEach-Object Text)
    foreach ($reason in $aborted) { Write-Warning "xunit: $reason (exit code $exit); the tests it had not run are counted as one failure." }
    [pscustomobject]@{ Suite = 'xunit'; Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + $aborted.Count; Crashed = $aborted.Count -gt 0 }
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

# -Reference also times the paper's code (MOEPS_PAPER_CODE or -PaperCode) and MatGL's TensorNet (MOEPS_MATGL_SOURCE and
# MOEPS_PYG_SOURCE, or -MatGLSource and -PygSource); -Repeats/-Epochs: how epochs are timed (0: the program's default).
function Invoke-Benchmarks {
    param([string] $Root, [string] $Configuration, [string] $Filter, [switch] $Reference, [string] $PaperCode,
        [string] $MatGLSource, [string] $PygSource, [int] $Repeats, [int] $Epochs, [switch] $NoTieredCompilation)
    $out = Join-Path $Root 'artifacts/bench'
    New-Item -ItemType Directory -Force $out | Out-Null
    $project = Join-Path $Root 'bench/MoePS.Bench/MoePS.Bench.csproj'
    Invoke-Native dotnet @('build', $project, '-c', $Configuration, '-nologo', '-v', 'quiet') 'benchmark build'
    $resultFile = Join-Path $out 'results.json'
    $arguments = @("--filter=$Filter", "--output=$resultFile")
    if ($Reference) {
        Install-ReferencePackages
        $arguments += '--reference'
        if ($PaperCode) { $arguments += "--paper-code=$((Resolve-Path $PaperCode).Path)" }
        if ($MatGLSource) { $arguments += "--matgl-source=$((Resolve-Path $MatGLSource).Path)" }
        if ($PygSource) { $arguments += "--pyg-source=$((Resolve-Path $PygSource).Path)" }
    }
    if ($Repeats -gt 0) { $arguments += "--repeats=$Repeats" }
    if ($Epochs -gt 0) { $arguments += "--epochs=$Epochs" }
    # Set around the benchmark command only: it reaches dotnet run, the benchmark process and what that starts (the cmdlets' pwsh).
    $tiered = $env:DOTNET_TieredCompilation
    if ($NoTieredCompilation) { $env:DOTNET_TieredCompilation = '0' }
    try { Invoke-Native dotnet (@('run', '--project', $project, '-c', $Configuration, '--no-build', '--') + $arguments) 'benchmarks' }
    finally { $env:DOTNET_TieredCompilation = $tiered }
    Get-Content -Raw $resultFile | ConvertFrom-Json |
        Format-Table name, @{ n = 'value'; e = { '{0:G5}' -f $_.value } }, unit, details -AutoSize -Wrap | Out-Host
    Write-Host "Results: $resultFile"
}

# The GPU kit (./build.ps1 GpuKit): tools/MoePS.DeviceCheck published self-contained for linux-x64, the data it needs, TorchSharp's
# native shim sources and the scripts of tools/MoePS.DeviceCheck/kit, in one compressed archive under artifacts/gpukit/.
$TorchSharpCommit = 'c20b6a1cc574d690707638a488d2583f3b8b983f' # dotnet/TorchSharp release 0.107.0 (libtorch 2.10.0)
$KitName = 'moeps-gpukit'

function Get-DataFolder {
    param([string] $Root)
    $data = if ($env:MOEPS_DATA_PATH) { $env:MOEPS_DATA_PATH } else { Join-Path $Root '../shared/data' }
    if (-not (Test-Path (Join-Path $data 'golden/cgcnn_golden.json'))) {
        throw "The data folder '$data' (MOEPS_DATA_PATH, else ../shared/data beside the repository) has no golden/cgcnn_golden.json."
    }
    (Resolve-Path $data).Path
}

# A git directory holding TorchSharp's commit: $env:MOEPS_TORCHSHARP_SOURCE, else a clone beside the repository (../TorchSharp),
# else this workplace's mirror; $null (with a warning) when none has it: the kit then ships without the shim's sources and
# can only use the prebuilt shim (the shim build says so on the device).
function Get-TorchSharpGit {
    param([string] $Root)
    $candidates = @($env:MOEPS_TORCHSHARP_SOURCE, (Join-Path $Root '../TorchSharp'), '/work/.mirror/dotnet+TorchSharp/repo') | Where-Object { $_ }
    foreach ($c in $candidates) {
        $gitDir = if (Test-Path (Join-Path $c '.git')) { Join-Path $c '.git' } else { $c }
        if (-not (Test-Path $gitDir)) { continue }
        & git --git-dir $gitDir cat-file -e "$TorchSharpCommit^{commit}" 2>$null
        if ($LASTEXITCODE -eq 0) { return $gitDir }
    }
    Write-Warning ("TorchSharp's sources at commit $TorchSharpCommit (release 0.107.0) were not found in: $($candidates -join ', '); " +
        "the kit will not be able to build the shim on the device. Clone https://github.com/dotnet/TorchSharp beside the repository " +
        "or set MOEPS_TORCHSHARP_SOURCE to a clone, then rebuild the kit.")
    $null
}

function Get-GpuKitArchive {
    param([string] $Root)
    Get-ChildItem (Join-Path $Root 'artifacts/gpukit') -Filter "$KitName.tar.*" -ErrorAction Ignore | Select-Object -First 1
}

function Invoke-GpuKitBuild {
    param([string] $Root, [string] $Configuration)
    $out = Join-Path $Root 'artifacts/gpukit'
    $tool = Join-Path $Root 'tools/MoePS.DeviceCheck'
    $inputs = @(Get-ChildItem -File -Recurse $tool, (Join-Path $Root 'src/MoePS.Engine') -Include *.cs, *.csproj, *.sh, *.py, *.md |
        Where-Object FullName -notmatch '[\\/](bin|obj)[\\/]') +
        @(Get-Item (Join-Path $Root 'Directory.Build.props'), (Join-Path $Root 'build/BuildHelpers.psm1'), (Join-Path $Root 'examples/paper-table3.yaml'))
    $existing = Get-GpuKitArchive -Root $Root
    $newest = ($inputs | Measure-Object -Property LastWriteTimeUtc -Maximum).Maximum
    if ($existing -and $existing.LastWriteTimeUtc -gt $newest) {
        Write-Host ("GPU kit is up to date: {0} ({1:N1} MB)" -f $existing.FullName, ($existing.Length / 1MB))
        return $existing.FullName
    }
    $data = Get-DataFolder -Root $Root
    $torchSharpGit = Get-TorchSharpGit -Root $Root
    $stage = Join-Path $out "stage/$KitName"
    Remove-Item -Recurse -Force (Join-Path $out 'stage') -ErrorAction Ignore
    New-Item -ItemType Directory -Force $stage | Out-Null

    Write-Host "Publishing the device check (self-contained, linux-x64) into $stage/bin"
    Invoke-Native dotnet @('publish', (Join-Path $tool 'MoePS.DeviceCheck.csproj'), '-c', $Configuration, '-r', 'linux-x64',
        '--self-contained', 'true', '-o', (Join-Path $stage 'bin'), '-nologo', '-v', 'quiet') 'dotnet publish (GPU kit)'
    foreach ($required in 'MoePS.DeviceCheck', 'MoePS.Engine.dll', 'TorchSharp.dll', 'libLibTorchSharp.so', 'libcoreclr.so') {
        if (-not (Test-Path (Join-Path $stage "bin/$required"))) { throw "The GPU kit's bin/ lacks $required." }
    }
    if (Test-Path (Join-Path $stage 'bin/libtorch_cpu.so')) { throw "The GPU kit's bin/ holds libtorch natives; the device's PyTorch provides them." }

    Write-Host "Copying the data the check needs from $data"
    $extractors = @(Get-ChildItem (Join-Path $data 'extractors') -Filter *.safetensors)
    if ($extractors.Count -ne 18) { throw "$data/extractors has $($extractors.Count) .safetensors files; the check needs the paper's 18." }
    $copies = @('atom_init.json', 'LICENSE-moe-paper.txt', 'golden/cgcnn_golden.json', 'tasks/index.json') +
        @(Get-ChildItem (Join-Path $data 'tasks') -Filter *.json.gz | ForEach-Object { "tasks/$($_.Name)" }) +
        @(Get-ChildItem (Join-Path $data 'splits') -Filter 'seed*.json' | ForEach-Object { "splits/$($_.Name)" }) +
        @($extractors | ForEach-Object { "extractors/$($_.Name)"; "extractors/$($_.BaseName).json" })
    foreach ($relative in $copies) {
        $target = Join-Path $stage "data/$relative"
        New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
        Copy-Item (Join-Path $data $relative) $target
    }
    New-Item -ItemType Directory -Force (Join-Path $stage 'plans'), (Join-Path $stage 'torchsharp-native') | Out-Null
    Copy-Item (Join-Path $Root 'examples/paper-table3.yaml') (Join-Path $stage 'plans/')
    Copy-Item (Join-Path $tool 'kit/*') $stage
    & chmod +x (Join-Path $stage 'run-device-check.sh') (Join-Path $stage 'build-shim.sh')

    if ($torchSharpGit) {
        Write-Host "Copying TorchSharp's native sources (commit $TorchSharpCommit) from $torchSharpGit"
        $sources = Join-Path $out 'stage/torchsharp-native.tar'
        Invoke-Native git @('--git-dir', $torchSharpGit, 'archive', '--format=tar', '-o', $sources, $TorchSharpCommit, 'src/Native', 'LICENSE.txt', 'THIRD-PARTY-NOTICES.TXT') 'git archive'
        Invoke-Native tar @('-xf', $sources, '-C', (Join-Path $stage 'torchsharp-native')) 'tar -x'
        Remove-Item $sources
    }

    # xz where there is one (the smallest), else zstd, else gzip; tar picks the decompressor on unpacking.
    $compressor = if (Get-Command xz -ErrorAction Ignore) { @('xz', '-T0', '-6') } elseif (Get-Command zstd -ErrorAction Ignore) { @('zstd', '-T0', '-12') } else { @('gzip', '-9') }
    $extension = @{ xz = 'xz'; zstd = 'zst'; gzip = 'gz' }[$compressor[0]]
    Get-ChildItem $out -Filter "$KitName.tar.*" | Remove-Item
    $archive = Join-Path $out "$KitName.tar.$extension"
    Write-Host "Packing $archive with $($compressor -join ' ')"
    & bash -c 'set -o pipefail; tar -C "$1" -cf - "$2" | "${@:4}" > "$3.partial" && mv "$3.partial" "$3"' pack (Join-Path $out 'stage') $KitName $archive @compressor
    if ($LASTEXITCODE -ne 0) { throw "Packing the GPU kit failed (exit code $LASTEXITCODE)." }
    Remove-Item -Recurse -Force (Join-Path $out 'stage')
    Write-Host ("GPU kit: {0} ({1:N1} MB)" -f $archive, ((Get-Item $archive).Length / 1MB))
    $archive
}

Export-ModuleMember -Function Install-TestPackages, Invoke-ModuleBuild, Invoke-XunitSuite, Invoke-PesterSuite, Invoke-InFreshPwsh, Invoke-Benchmarks, Invoke-GpuKitBuild, Get-GpuKitArchive
