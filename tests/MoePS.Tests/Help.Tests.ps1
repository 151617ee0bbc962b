BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    # Every cmdlet the module exports, so a cmdlet added later fails here until its doc comments are written
    # (Module.Tests.ps1 fails for a cmdlet class that is not exported).
    $cmdlets = foreach ($c in Get-Command -Module MoePS | Sort-Object Name) {
        @{ Name = $c.Name; Parameters = @($c.Parameters.Keys | Where-Object { $_ -notin $common }) }
    }
    # Every declared setting, so a setting added to RunSettings fails here until the cmdlets that bind it have its parameter.
    $settings = foreach ($s in [MoePS.Engine.Settings.RunSettings]::All) {
        $binders = @('Invoke-MoeBenchmark')
        if ($s.Sets[MoePS.Engine.Models.Mixture.MixtureOptions]()) { $binders += 'New-MixtureModel' }
        if ($s.Sets[MoePS.Engine.Training.TrainingOptions]()) { $binders += 'Start-MixtureTraining', 'Start-ExtractorPretrain' }
        foreach ($c in $binders) { @{ Cmdlet = $c; Parameter = $s.ParameterName; ValueType = $s.ValueType } }
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

Describe 'The declared setting bound by -<Parameter> of <Cmdlet>' -ForEach $settings {
    It 'is a parameter of a type the setting takes, with help' {
        $type = (Get-Command $Cmdlet).Parameters[$Parameter].ParameterType
        $type | Should -Not -BeNullOrEmpty -Because "$Cmdlet should have -$Parameter"
        $ValueType.IsAssignableFrom(([Nullable]::GetUnderlyingType($type) ?? $type)) | Should -BeTrue -Because "-$Parameter is a $type"
        $entry = (Get-Help $Cmdlet -Full).parameters.parameter | Where-Object name -EQ $Parameter
        ($entry.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
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

    It 'shows the paper''s recipe as the defaults, taken from the engine''s options records' {
        function Get-Default($Command, $Name) { ((Get-Help $Command -Full).parameters.parameter | Where-Object name -EQ $Name).defaultValue }
        $training = [MoePS.Engine.Training.TrainingOptions]::new()
        $mixture = [MoePS.Engine.Models.Mixture.MixtureOptions]::new()
        # Chang, Wang & Ertekin (2022), Methods: 1000 epochs, early stop after 500, batch 250, Adam at 0.01.
        foreach ($command in 'Start-ExtractorPretrain', 'Start-MixtureTraining', 'Invoke-MoeBenchmark') {
            Get-Default $command Epochs | Should -Be '1000' -Because $command
            Get-Default $command Patience | Should -Be '500' -Because $command
            Get-Default $command BatchSize | Should -Be '250' -Because $command
        }
        Get-Default Start-MixtureTraining LearningRate | Should -Be '0.01'
        Get-Default Start-MixtureTraining Epochs | Should -Be "$($training.Epochs)"
        Get-Default Start-MixtureTraining LearningRate | Should -Be "$($training.LearningRate)"
        Get-Default Invoke-MoeBenchmark TransferFrom | Should -Be 'mp_eform'
        Get-Default New-MixtureModel GateRegularization | Should -Be '0.01'
        Get-Default New-MixtureModel FineTuneLearningRate | Should -Be '0.005'
        Get-Default New-MixtureModel Aggregation | Should -Be 'Add'
        Get-Default New-MixtureModel HiddenSize | Should -Be "$($mixture.HiddenSize)"
        Get-Default New-MixtureModel HeadLayers | Should -Be "$($mixture.HeadLayers)"
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

    It 'documents the Slurm parameters, declared once, on each cmdlet that submits to Slurm, with the earlier GPU names as aliases' {
        foreach ($command in 'Invoke-MoeBenchmark', 'Invoke-PropertyPrediction', 'Start-ExtractorPretrain') {
            $parameters = (Get-Help $command -Full).parameters.parameter
            $gpus = $parameters | Where-Object name -EQ GpusPerTask
            $gpus.aliases | Should -Be 'GpusPerRun, GpusPerShard, Gpus' -Because $command
            $gpus.defaultValue | Should -Be '0' -Because $command
            (Get-Command $command).Parameters.GpusPerTask.Aliases | Should -Be 'GpusPerRun', 'GpusPerShard', 'Gpus'
            foreach ($name in 'Partition', 'Account', 'TimeLimit') {
                ($parameters | Where-Object name -EQ $name).description.Text | Should -BeLike 'With -Scheduler Slurm:*' -Because "$command -$name"
            }
        }
        (Get-Command Invoke-PropertyPrediction).Parameters.Keys | Should -Contain MaxConcurrent
        (Get-Command Start-ExtractorPretrain).Parameters.Keys | Should -Not -Contain MaxConcurrent
    }
}

Describe 'build/New-CmdletHelp.ps1 on a sample cmdlet assembly' {
    BeforeAll {
        $dir = New-TestFolder
        Add-Type -OutputType Library -OutputAssembly (Join-Path $dir 'Sample.Cmdlets.dll') -TypeDefinition @'
using System.Management.Automation;
namespace Sample
{
    public abstract class SampleBase : PSCmdlet
    {
        [Parameter] public string Device { get; set; }
    }

    [Cmdlet(VerbsData.Save, "Sample", SupportsShouldProcess = true)]
    [OutputType(typeof(System.IO.FileInfo))]
    public sealed class SaveSampleCommand : SampleBase
    {
        [Parameter(Mandatory = true, Position = 0)] public string Path;
        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter, ValidateSet("Json", "Yaml")] public string Format { get; set; } = "Json";
        [Parameter] public int? Epochs { get; set; }
    }
}
'@
        # What the compiler writes for the doc comments of the class above (indentation included).
        Set-Content (Join-Path $dir 'Sample.Cmdlets.xml') @'
<?xml version="1.0"?>
<doc>
    <assembly><name>Sample.Cmdlets</name></assembly>
    <members>
        <member name="T:Sample.SaveSampleCommand">
            <summary>
            <para type="synopsis">Saves a sample as <see cref="T:System.IO.FileInfo"/> <c>Json</c>
            or Yaml.</para>
            <para type="description">Writes <c>JSON</c> or YAML.</para>
            <para type="description">Overwrites <paramref name="Path"/> only with -Force.</para>
            </summary>
            <example>
            <code>
            Save-Sample ./a.json
              Save-Sample ./b.json -Force
            </code>
            Saves twice.
            </example>
        </member>
        <member name="P:Sample.SampleBase.Device"><summary>The device.</summary></member>
        <member name="F:Sample.SaveSampleCommand.Path"><summary><para type="description">Where to save.</para></summary></member>
        <member name="P:Sample.SaveSampleCommand.Force"><summary>Overwrite.</summary></member>
        <member name="P:Sample.SaveSampleCommand.Format"><summary>File format.</summary></member>
    </members>
</doc>
'@
        & (Join-Path $RepoRoot 'build/New-CmdletHelp.ps1') -ModuleDir $dir -AssemblyName Sample.Cmdlets -WarningVariable warnings -WarningAction SilentlyContinue 6>$null
        New-ModuleManifest (Join-Path $dir 'Sample.psd1') -RootModule 'Sample.Cmdlets.dll' -CmdletsToExport Save-Sample
        Import-Module (Join-Path $dir 'Sample.psd1') -Force
        $help = Get-Help Save-Sample -Full
        $parameter = @{}
        foreach ($p in $help.parameters.parameter) { $parameter[$p.name] = $p }
    }
    AfterAll {
        Remove-Module Sample -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }

    It 'renders see, c and paramref as text, one paragraph per <para>' {
        $help.Synopsis | Should -Be 'Saves a sample as FileInfo Json or Yaml.'
        $help.description.Text.Trim() | Should -Be 'Writes JSON or YAML.', 'Overwrites Path only with -Force.'
    }

    It 'documents inherited, field and property parameters, and -WhatIf/-Confirm for SupportsShouldProcess' {
        $parameter.Keys | Sort-Object | Should -Be 'Confirm', 'Device', 'Epochs', 'Force', 'Format', 'Path', 'WhatIf'
        $parameter.Device.description.Text | Should -Be 'The device.'
        $parameter.Path.description.Text | Should -Be 'Where to save.'
        $parameter.WhatIf.description.Text | Should -Not -BeNullOrEmpty
        $help.syntax.syntaxItem.parameter.name | Should -Be 'Path', 'Force', 'Format', 'Epochs', 'Device', 'WhatIf', 'Confirm'
    }

    It 'shows switches without a value, ValidateSet values and defaults' {
        $parameter.Force.PSObject.Properties.Name | Should -Not -Contain 'parameterValue'
        $parameter.Format.parameterValueGroup.parameterValue | Should -Be 'Json', 'Yaml'
        $parameter.Format.defaultValue | Should -Be 'Json'
        $parameter.Epochs.type.name | Should -Be 'System.Int32'
        $parameter.Epochs.defaultValue | Should -Be 'None'
    }

    It 'keeps an example''s relative indentation and its explanation, with or without <para>' {
        $help.examples.example.code | Should -Be "Save-Sample ./a.json`n  Save-Sample ./b.json -Force"
        $help.examples.example.remarks.Text | Should -Be 'Saves twice.'
    }

    It 'warns about what is undocumented' {
        $warnings.Message | Should -Be 'Save-Sample (SaveSampleCommand): no <summary> on parameter -Epochs.'
    }
}
