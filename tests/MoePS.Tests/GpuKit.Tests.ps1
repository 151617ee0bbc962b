# The GPU kit (./build.ps1 GpuKit, built here or reused when up to date), unpacked into a temporary folder: its harness
# runs on the CPU with the module's CPU libtorch as $MOEPS_LIBTORCH_PATH, as it runs on a GPU machine with PyTorch's.
# The paths step is left out: it trains 19 models, which the device run does.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    & dotnet pwsh -NoProfile -File (Join-Path $RepoRoot 'build.ps1') GpuKit | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "./build.ps1 GpuKit failed (exit code $LASTEXITCODE)." }
    $archive = Get-ChildItem (Join-Path $RepoRoot 'artifacts/gpukit') -Filter 'moeps-gpukit.tar.*' | Select-Object -First 1
    $script:Root = New-TestFolder
    & tar -xf $archive.FullName -C $Root
    if ($LASTEXITCODE -ne 0) { throw "Unpacking $archive failed." }
    $script:Kit = Join-Path $Root 'moeps-gpukit'
    $script:Out = Join-Path $Root 'out'
    $plan = Join-Path $Root 'tiny-plan.yaml'
    Set-Content $plan @'
name: kit-smoke
tasks: [jarvis_2d_gap_tbmbj]
methods: [STL, TL]
seeds: [0]
resultPath: unused.jsonl
hyperparameters: { epochs: 2, patience: 2 }
'@
    $saved = $env:MOEPS_LIBTORCH_PATH
    try {
        $env:MOEPS_LIBTORCH_PATH = Split-Path (Get-Module MoePS).Path
        $script:Log = & (Join-Path $Kit 'bin/MoePS.DeviceCheck') --device cpu --scale smoke --steps 'tensor,golden,speed,protocol' `
            --plan $plan --out $Out --budget 240 2>&1 | Out-String
        $script:ExitCode = $LASTEXITCODE
    }
    finally { $env:MOEPS_LIBTORCH_PATH = $saved }
    function Read-Step([string] $Name) { Get-Content -Raw (Join-Path $Out "$Name.json") | ConvertFrom-Json }
}

AfterAll { Remove-Item -Recurse -Force $Root -ErrorAction Ignore }

Describe 'The GPU kit' {
    It 'holds the self-contained harness without libtorch, the data, the shim sources and the scripts' {
        Test-Path (Join-Path $Kit 'bin/libcoreclr.so') | Should -BeTrue
        Test-Path (Join-Path $Kit 'bin/libLibTorchSharp.so') | Should -BeTrue
        Test-Path (Join-Path $Kit 'bin/libtorch_cpu.so') | Should -BeFalse
        @(Get-ChildItem (Join-Path $Kit 'data/extractors') -Filter *.safetensors).Count | Should -Be 18
        @(Get-ChildItem (Join-Path $Kit 'data/extractors') -Filter *.json).Count | Should -Be 18
        Test-Path (Join-Path $Kit 'data/golden/cgcnn_golden.json') | Should -BeTrue
        # The shim's sources come from a TorchSharp clone when the building machine has one (a CI clone may not).
        $hasTorchSharp = @($env:MOEPS_TORCHSHARP_SOURCE, (Join-Path $RepoRoot '../TorchSharp'), '/work/.mirror/dotnet+TorchSharp/repo') |
            Where-Object { $_ -and (Test-Path $_) }
        Test-Path (Join-Path $Kit 'torchsharp-native/src/Native/LibTorchSharp/CMakeLists.txt') | Should -Be ([bool]$hasTorchSharp)
        Test-Path (Join-Path $Kit 'plans/paper-table3.yaml') | Should -BeTrue
        foreach ($script in 'run-device-check.sh', 'build-shim.sh') {
            & bash -n (Join-Path $Kit $script)
            $LASTEXITCODE | Should -Be 0
        }
    }

    It 'passes the golden check on the CPU from the unpacked kit, within 1e-4' {
        $ExitCode | Should -Be 0 -Because $Log
        $golden = Read-Step golden
        $golden.status | Should -Be 'passed'
        $checks = @($golden.details.checks)
        @($checks | Where-Object Name -like '* vs golden file').Count | Should -Be 3
        $checks | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Detail }
    }

    It 'runs a tensor op, the speed benchmarks and the protocol (one JSON line per run) from the unpacked kit' {
        (Read-Step tensor).status | Should -Be 'passed'
        (Read-Step speed).status | Should -Be 'passed'
        $protocol = Read-Step protocol
        $protocol.status | Should -Be 'passed'
        $protocol.details.finishedRuns | Should -Be 2
        @(Get-Content (Join-Path $Out 'protocol.jsonl')).Count | Should -Be 2
    }
}
