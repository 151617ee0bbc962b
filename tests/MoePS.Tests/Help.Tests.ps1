BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    # Every cmdlet the module exports, so a cmdlet added later fails here until its doc comments are written.
    $cmdlets = foreach ($c in Get-Command -Module MoePS | Sort-Object Name) {
        @{ Name = $c.Name; Parameters = @($c.Parameters.Keys | Where-Object { $_ -notin $common }) }
    }
}

BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'Get-Help <Name> -Full' -ForEach $cmdlets {
    BeforeAll { $help = Get-Help $Name -Full }

    It 'has a synopsis, not the syntax PowerShell shows without help' {
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name*"
    }

    It 'has a description' {
        ($help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes -<_>' -ForEach $Parameters {
        $entry = $help.parameters.parameter | Where-Object name -EQ $_
        $entry | Should -Not -BeNullOrEmpty -Because "-$_ should be in the help of $Name"
        ($entry.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has an example with code' {
        @($help.examples.example | Where-Object { "$($_.code)".Trim() }).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'The generated help' {
    It 'takes mandatory, position, pipeline input and aliases from the [Parameter] attributes' {
        $path = (Get-Help Import-Crystal -Full).parameters.parameter | Where-Object name -EQ Path
        $path.required | Should -Be 'true'
        $path.position | Should -Be '0'
        $path.pipelineInput | Should -Be 'True (ByValue, ByPropertyName)'
        $path.aliases | Should -Be 'FullName, PSPath'
        $path.globbing | Should -Be 'true'
    }

    It 'gives one syntax per parameter set, the default set first' {
        $syntax = @((Get-Help Split-CrystalDataset -Full).syntax.syntaxItem)
        $syntax.Count | Should -Be 2
        $syntax[0].parameter.name | Should -Be 'Dataset', 'Seed', 'TrainFraction', 'ValidationFraction'
        $syntax[1].parameter.name | Should -Be 'Dataset', 'SplitFile', 'Task'
    }

    It 'shows enum values and the defaults of a new cmdlet object' {
        $help = Get-Help Split-CrystalDataset -Full
        ($help.parameters.parameter | Where-Object name -EQ TrainFraction).defaultValue | Should -Be '0.7'
        $disorder = (Get-Help Import-Crystal -Full).parameters.parameter | Where-Object name -EQ Disorder
        $disorder.defaultValue | Should -Be 'Reject'
        $disorder.parameterValueGroup.parameterValue | Should -Contain 'MajoritySpecies'
    }

    It 'keeps the lines of a multi-line example, without the doc comment indentation' {
        $code = @((Get-Help Split-CrystalDataset -Full).examples.example)[-1].code
        $code -split "`n" | Should -HaveCount 2
        $code | Should -BeLike '$ds = Import-CrystalDataset*'
        ($code -split "`n")[1] | Should -BeLike '$splits = *'
    }

    It 'names the output type from [OutputType]' {
        (Get-Help Import-Crystal -Full).returnValues.returnValue.type.name | Should -Be 'MoePS.Engine.Crystals.Crystal'
    }
}
