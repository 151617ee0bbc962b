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
