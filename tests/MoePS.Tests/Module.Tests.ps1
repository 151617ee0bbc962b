BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'The MoePS module' {
    It 'imports and exports its cmdlets' {
        (Get-Command -Module MoePS).Name | Should -Contain 'Get-MoeDevice'
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
