BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'The MoePS module' {
    It 'imports and exports its cmdlets' {
        (Get-Command -Module MoePS).Name | Should -Contain 'Get-MoeDevice'
    }

    It 'exports every cmdlet class of MoePS.Cmdlets, and only those' {
        # Help.Tests.ps1 sees only exported cmdlets: a class left out of CmdletsToExport would go untested there.
        $classes = foreach ($type in (Get-Module MoePS).ImplementingAssembly.GetTypes()) {
            $attribute = [Attribute]::GetCustomAttribute($type, [System.Management.Automation.CmdletAttribute])
            if ($attribute -and -not $type.IsAbstract -and $type.IsSubclassOf([System.Management.Automation.Cmdlet])) {
                "$($attribute.VerbName)-$($attribute.NounName)"
            }
        }
        $exported = (Import-PowerShellDataFile $manifest).CmdletsToExport
        @($classes | Where-Object { $_ -notin $exported }) | Should -BeNullOrEmpty -Because "every cmdlet class must be in CmdletsToExport of $manifest"
        @($exported | Where-Object { $_ -notin $classes }) | Should -BeNullOrEmpty -Because 'CmdletsToExport must name only cmdlet classes'
        $classes.Count | Should -Be (Get-Command -Module MoePS).Count
    }

    It 'has a format view only for types that exist' {
        # A view names its type by full name: a type that moved namespace silently loses its view.
        $formats = Join-Path (Split-Path $manifest) 'MoePS.Format.ps1xml'
        $names = ([xml](Get-Content -Raw $formats)).SelectNodes('//ViewSelectedBy/TypeName') | ForEach-Object InnerText
        $names.Count | Should -BeGreaterThan 5
        $engine = [MoePS.Engine.Crystals.Crystal].Assembly
        @($names | Where-Object { -not $engine.GetType($_) }) | Should -BeNullOrEmpty -Because "every view in $formats must name an engine type"
    }

    It 'runs a libtorch tensor operation inside the imported module' {
        $t = [TorchSharp.torch]::tensor([float[]](1, 2, 3))
        $sum = [TorchSharp.torch]::sum($t * $t)
        $sum.item[float]() | Should -Be 14
    }

    It 'lists the CPU as a device' {
        $d = Get-MoeDevice
        $d[0].Name | Should -Be 'cpu'
        $d[0].Kind | Should -Be 'cpu'
    }
}

Describe 'A broken libtorch' {
    It 'fails the import with one clear error naming the library, and copies nothing into the module folder' {
        $dir = New-TestFolder
        Set-Content -Path (Join-Path $dir 'libc10.so') -Value 'not an ELF file'
        $moduleDir = Split-Path (Get-Module MoePS).Path
        $before = (Get-ChildItem $moduleDir -Recurse -File | Measure-Object Length -Sum).Sum
        $child = Get-PwshCommandLine -Arguments '-Command', "`$env:MOEPS_LIBTORCH_PATH = '$dir'; Import-Module '$manifest'"
        $output = & $child.FilePath @($child.Arguments) 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'Could not load the native library'
        $output | Should -Match ([regex]::Escape((Join-Path $dir 'libc10.so')))
        (Get-ChildItem $moduleDir -Recurse -File | Measure-Object Length -Sum).Sum | Should -Be $before
    }
}

Describe 'A libtorch of another release in MOEPS_LIBTORCH_PATH' {
    BeforeAll {
        # A PyTorch layout (torch/lib beside torch/version.py) whose libraries are the module's own libtorch 2.10, and
        # whose version.py says 2.11.0: the import loads it and warns; a broken one fails, naming both versions.
        function New-FakeTorch([switch] $Broken) {
            $torch = Join-Path (New-TestFolder) 'torch'
            $lib = New-Item -ItemType Directory (Join-Path $torch 'lib')
            Set-Content (Join-Path $torch 'version.py') "__version__ = '2.11.0+cu130'"
            $moduleDir = Split-Path (Get-Module MoePS).Path
            foreach ($so in Get-ChildItem $moduleDir -Filter 'lib*.so*' | Where-Object Name -match '^lib(c10|torch|torch_cpu|gomp.*)\.so') {
                New-Item -ItemType SymbolicLink -Path (Join-Path $lib $so.Name) -Target $so.FullName | Out-Null
            }
            if ($Broken) {
                Remove-Item (Join-Path $lib 'libc10.so')   # the link, not the module's library it points to
                Set-Content -Path (Join-Path $lib 'libc10.so') -Value 'not an ELF file'
            }
            $lib.FullName
        }
    }

    It 'imports, and warns at import and in Get-MoeDevice that the shim was built for 2.10.0, pointing to the shim build' {
        $lib = New-FakeTorch
        $child = Get-PwshCommandLine -Arguments '-Command', "`$env:MOEPS_LIBTORCH_PATH = '$lib'; Import-Module '$manifest'; 'imported'; Get-MoeDevice 3>&1 | ForEach-Object { ""device: `$_"" }"
        $output = & $child.FilePath @($child.Arguments) 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $output | Should -Match '(?s)WARNING: \$MOEPS_LIBTORCH_PATH points to libtorch 2\.11\.0\+cu130.*built for libtorch 2\.10\.0.*build-shim\.sh.*imported'
        $output | Should -Match 'device: \$MOEPS_LIBTORCH_PATH points to libtorch 2\.11\.0'
        $output | Should -Match 'device: cpu'
    }

    It 'names the version mismatch in the error when the load fails' {
        $moduleDir = Split-Path (Get-Module MoePS).Path
        $before = (Get-ChildItem $moduleDir -Recurse -File | Measure-Object Length -Sum).Sum
        $lib = New-FakeTorch -Broken
        (Get-ChildItem $moduleDir -Recurse -File | Measure-Object Length -Sum).Sum | Should -Be $before
        $child = Get-PwshCommandLine -Arguments '-Command', "`$env:MOEPS_LIBTORCH_PATH = '$lib'; Import-Module '$manifest'"
        $output = & $child.FilePath @($child.Arguments) 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'Could not load the native library'
        ($output -replace '\s+', ' ') | Should -Match 'libtorch 2\.11\.0\+cu130 .*built for libtorch 2\.10\.0'
    }
}
