<#
.SYNOPSIS
    Writes the module's Get-Help file (MAML) from the cmdlet classes and their C# XML doc comments.
.DESCRIPTION
    Run by build.ps1 Build after publish, in a fresh pwsh process so the module's DLLs never load into
    the build session. Reads every public [Cmdlet] class of <ModuleDir>/MoePS.Cmdlets.dll (names, parameter
    sets, positions, pipeline input, aliases, [OutputType]) and <ModuleDir>/MoePS.Cmdlets.xml (the doc
    comments), and writes <ModuleDir>/en-US/MoePS.Cmdlets.dll-Help.xml, the file PowerShell reads for a
    binary module's cmdlets. A cmdlet that is not fully documented gets a warning here, and fails
    tests/MoePS.Tests/Help.Tests.ps1.

    Doc-comment convention (cmdlet authors write only this):

        /// <summary>
        /// <para type="synopsis">One sentence: what the cmdlet does.</para>
        /// <para type="description">What it does in detail. Several description paragraphs are allowed.</para>
        /// </summary>
        /// <example>
        /// <code>Import-CrystalDataset -Name expt_eform | Split-CrystalDataset -Seed 0</code>
        /// <para>What the example does (optional; several paragraphs allowed).</para>
        /// </example>
        /// <example> ... one element per example; the <code> may span several lines ... </example>
        [Cmdlet(VerbsData.Import, "CrystalDataset")]
        public sealed class ImportCrystalDatasetCommand : MoeCmdlet
        {
            /// <summary>What the parameter means, its unit and default.</summary>
            [Parameter] public string? Target { get; set; }

    A parameter's <summary> may also wrap its text in <para type="description">. <see cref="X"/>, <c>,
    <paramref> and <see langword> render as plain text; nested <para> elements start new paragraphs. A
    multi-line <code> keeps its lines and their relative indentation. Everything else comes from the code:
    parameter sets, mandatory, position, pipeline input and aliases from [Parameter]/[Alias], "accepts
    wildcards" from [SupportsWildcards], accepted values from enum types and [ValidateSet], default values
    from a new instance of the class, input types from pipeline parameters, output types from [OutputType],
    and -WhatIf/-Confirm from SupportsShouldProcess. A cmdlet's dynamic parameters (IDynamicParameters) are
    documented the same way, on the class of the object its GetDynamicParameters returns.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [string] $AssemblyName = 'MoePS.Cmdlets'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$allSets = [System.Management.Automation.ParameterAttribute]::AllParameterSets
$shouldProcessParameters = [ordered]@{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region doc comments → text
function ConvertTo-DocText([System.Xml.XmlNode] $Node) {
    # Paragraph boundaries are marked with U+2029 and split by Get-DocParagraphs.
    if ($Node -is [System.Xml.XmlCharacterData] -and $Node -isnot [System.Xml.XmlComment]) { return $Node.Value }
    if ($Node -isnot [System.Xml.XmlElement]) { return '' }
    $inner = -join @(foreach ($child in $Node.ChildNodes) { ConvertTo-DocText $child })
    switch ($Node.LocalName) {
        { $_ -in 'see', 'seealso' } {
            if ($Node.HasAttribute('cref')) { return ($Node.GetAttribute('cref') -replace '^\w:' -replace '\(.*$' -replace '`\d+' -split '\.')[-1] }
            if ($Node.HasAttribute('langword')) { return $Node.GetAttribute('langword') }
            if ($inner) { return $inner }
            return $Node.GetAttribute('href')
        }
        { $_ -in 'paramref', 'typeparamref' } { return $Node.GetAttribute('name') }
        'para' { return "`u{2029}$inner`u{2029}" }
        default { return $inner }
    }
}

function Get-DocParagraphs([System.Xml.XmlNode[]] $Nodes) {
    foreach ($node in $Nodes) {
        foreach ($p in ((ConvertTo-DocText $node) -replace '[ \t\r\n]+', ' ') -split "`u{2029}") {
            if ($p.Trim()) { $p.Trim() }
        }
    }
}

function Get-CodeText([System.Xml.XmlElement] $Code) {
    # The compiler indents every line after the first as the doc file's <member> (and the first too when
    # the code starts on a new line): remove that common indentation.
    $raw = $Code.InnerText
    $lines = @($raw -split '\r?\n' | ForEach-Object TrimEnd)
    $first = if ($raw -match '^[ \t]*\r?\n') { 0 } else { 1 }
    $indent = ($lines | Select-Object -Skip $first | Where-Object { $_ } |
        ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
    for ($i = $first; $i -lt $lines.Count; $i++) { $lines[$i] = $lines[$i].Substring([Math]::Min([int]$indent, $lines[$i].Length)) }
    ($lines -join "`n").Trim("`n")
}

function Get-MemberDoc([System.Reflection.MemberInfo] $Member) {
    $type = if ($Member -is [Type]) { $Member } else { $Member.DeclaringType }
    if ($type.IsGenericType) { $type = $type.GetGenericTypeDefinition() }
    $prefix = switch ($Member) { { $_ -is [Type] } { 'T' } { $_ -is [Reflection.PropertyInfo] } { 'P' } default { 'F' } }
    $id = "${prefix}:" + ($type.FullName -replace '\+', '.') + $(if ($Member -is [Type]) { '' } else { ".$($Member.Name)" })
    $docs.SelectSingleNode("/doc/members/member[@name='$id']")
}
#endregion

#region cmdlet metadata
function Get-ValueType([Type] $Type) {
    if ([Nullable]::GetUnderlyingType($Type)) { [Nullable]::GetUnderlyingType($Type) } else { $Type }
}

function Get-AcceptedValues([System.Management.Automation.ParameterMetadata] $Parameter) {
    $validateSet = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
    if ($validateSet) { return $validateSet.ValidValues }
    $t = $Parameter.ParameterType
    if ($t.IsArray) { $t = $t.GetElementType() }
    if ([Nullable]::GetUnderlyingType($t)) { $t = [Nullable]::GetUnderlyingType($t) }
    if ($t.IsEnum) { [Enum]::GetNames($t) }
}

function Format-DefaultValue($Value) {
    if ($null -eq $Value -or ($Value -is [Array] -and $Value.Count -eq 0) -or ($Value -is [string] -and $Value -eq '')) { return 'None' }
    if ($Value -is [System.Management.Automation.SwitchParameter]) { return [string]$Value.IsPresent }
    ($Value | ForEach-Object { [string]$_ }) -join ', '
}

function Get-ParameterInfo([Type] $CmdletType, [System.Management.Automation.ParameterMetadata] $Parameter, $Instance) {
    $member = $CmdletType.GetMember($Parameter.Name, 'Public, Instance, FlattenHierarchy') |
        Where-Object { $_ -is [Reflection.PropertyInfo] -or $_ -is [Reflection.FieldInfo] } | Select-Object -First 1
    $doc = Get-MemberDoc $member
    $default = if ($null -ne $Instance) {
        Format-DefaultValue $member.GetValue($Instance)
    } else { 'None' }
    [pscustomobject]@{
        Name        = $Parameter.Name
        Type        = $Parameter.ParameterType
        IsSwitch    = $Parameter.SwitchParameter
        Aliases     = @($Parameter.Aliases)
        Sets        = $Parameter.ParameterSets
        Globbing    = $member.IsDefined([System.Management.Automation.SupportsWildcardsAttribute], $true)
        Values      = @(Get-AcceptedValues $Parameter)
        Default     = $default
        Description = @(if ($doc -and $doc['summary']) { Get-DocParagraphs $doc['summary'] })
    }
}

function Get-PipelineInputText($Sets) {
    $how = @(
        if ($Sets.Where({ $_.ValueFromPipeline })) { 'ByValue' }
        if ($Sets.Where({ $_.ValueFromPipelineByPropertyName })) { 'ByPropertyName' }
    )
    if ($how) { "True ($($how -join ', '))" } else { 'False' }
}

function Get-CmdletHelp([Type] $Type, [System.Management.Automation.CmdletAttribute] $Attribute) {
    $name = "$($Attribute.VerbName)-$($Attribute.NounName)"
    $doc = Get-MemberDoc $Type
    $instance = try { [Activator]::CreateInstance($Type) } catch { Write-Warning "${name}: no default values in help, the class could not be created: $_"; $null }
    $metadata = [System.Management.Automation.CommandMetadata]::new($Type)
    $parameters = @(foreach ($p in $metadata.Parameters.Values) { Get-ParameterInfo $Type $p $instance })
    # Dynamic parameters declared as a class of their own (e.g. the Slurm ones): documented where they are declared.
    $dynamic = if ($instance -is [System.Management.Automation.IDynamicParameters]) { $instance.GetDynamicParameters() }
    if ($null -ne $dynamic) {
        $dynamicType = $dynamic.GetType()
        $parameters += foreach ($p in [System.Management.Automation.CommandMetadata]::new($dynamicType).Parameters.Values) {
            Get-ParameterInfo $dynamicType $p $dynamic
        }
    }
    if ($Attribute.SupportsShouldProcess) {
        $parameters += foreach ($entry in $shouldProcessParameters.GetEnumerator()) {
            $set = [pscustomobject]@{ Position = [int]::MinValue; IsMandatory = $false; ValueFromPipeline = $false; ValueFromPipelineByPropertyName = $false }
            [pscustomobject]@{
                Name = $entry.Key; Type = [System.Management.Automation.SwitchParameter]; IsSwitch = $true
                Aliases = @(if ($entry.Key -eq 'WhatIf') { 'wi' } else { 'cf' }); Sets = @{ $allSets = $set }
                Globbing = $false; Values = @(); Default = 'False'; Description = @($entry.Value)
            }
        }
    }
    $setNames = @($parameters | ForEach-Object { $_.Sets.Keys } | Where-Object { $_ -ne $allSets } | Select-Object -Unique)
    if ($Attribute.DefaultParameterSetName -in $setNames) {
        $setNames = @($Attribute.DefaultParameterSetName) + @($setNames | Where-Object { $_ -ne $Attribute.DefaultParameterSetName })
    }
    if (-not $setNames) { $setNames = @($allSets) }
    $syntax = foreach ($set in $setNames) {
        $inSet = $parameters | Where-Object { $_.Sets.ContainsKey($set) -or $_.Sets.ContainsKey($allSets) } | ForEach-Object {
            $m = if ($_.Sets.ContainsKey($set)) { $_.Sets[$set] } else { $_.Sets[$allSets] }
            [pscustomobject]@{ Parameter = $_; Mandatory = $m.IsMandatory; Position = $m.Position; Pipeline = Get-PipelineInputText $m }
        }
        # As Get-Command shows syntax: positional parameters by position, then mandatory, then optional ones.
        $ordered = $inSet | Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.Mandatory }
        [pscustomobject]@{ Set = $set; Parameters = @($ordered) }
    }
    [pscustomobject]@{
        Name        = $name
        Verb        = $Attribute.VerbName
        Noun        = $Attribute.NounName
        Synopsis    = (@(if ($doc) { Get-DocParagraphs $doc.SelectNodes("summary/para[@type='synopsis']") }) -join ' ')
        Description = @(if ($doc) { Get-DocParagraphs $doc.SelectNodes("summary/para[@type='description']") })
        Examples    = @(if ($doc) {
                foreach ($e in $doc.SelectNodes('.//example')) {
                    [pscustomobject]@{
                        Code    = ($e.SelectNodes('code') | ForEach-Object { Get-CodeText $_ }) -join "`n"
                        Remarks = @(Get-DocParagraphs $e.SelectNodes('node()[not(self::code)]'))
                    }
                }
            })
        Parameters  = $parameters
        Syntax      = @($syntax)
        Inputs      = @($parameters | Where-Object { $_.Sets.Values.Where({ $_.ValueFromPipeline }) } |
            ForEach-Object { [pscustomobject]@{ Type = $_.Type.FullName; Description = "Piped to -$($_.Name)." } })
        Outputs     = @($Type.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true) |
            ForEach-Object { $_.Type.Name } | Select-Object -Unique)
    }
}

function Get-MissingDocs($Help) {
    if (-not $Help.Synopsis) { 'no <para type="synopsis"> in the class <summary>' }
    if (-not $Help.Description) { 'no <para type="description"> in the class <summary>' }
    if (-not $Help.Examples.Where({ $_.Code })) { 'no <example><code>' }
    foreach ($p in $Help.Parameters.Where({ -not $_.Description })) { "no <summary> on parameter -$($p.Name)" }
}
#endregion

#region MAML
function Open([string] $QName) { $p, $l = $QName -split ':'; $w.WriteStartElement($p, $l, $ns[$p]) }
function Close { $w.WriteEndElement() }
function Leaf([string] $QName, [string] $Text) { Open $QName; $w.WriteString($Text); Close }
function Paras([string] $QName, [string[]] $Paragraphs) {
    Open $QName
    if (-not $Paragraphs) { Leaf 'maml:para' '' }
    foreach ($p in $Paragraphs) { Leaf 'maml:para' $p }
    Close
}
function TypeElement([string] $Name) { Open 'dev:type'; Leaf 'maml:name' $Name; Close }

function Write-Parameter($Parameter, [bool] $Required, [string] $Position, [string] $Pipeline) {
    Open 'command:parameter'
    $w.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', $Parameter.Type.IsArray.ToString().ToLowerInvariant())
    $w.WriteAttributeString('globbing', $Parameter.Globbing.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $Pipeline)
    $w.WriteAttributeString('position', $Position)
    $w.WriteAttributeString('aliases', $(if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }))
    Leaf 'maml:name' $Parameter.Name
    Paras 'maml:description' $Parameter.Description
    if ($Parameter.Values) {
        Open 'command:parameterValueGroup'
        foreach ($v in $Parameter.Values) {
            Open 'command:parameterValue'; $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false'); $w.WriteString($v); Close
        }
        Close
    }
    if (-not $Parameter.IsSwitch) {
        Open 'command:parameterValue'
        $w.WriteAttributeString('required', 'true')
        $w.WriteAttributeString('variableLength', $Parameter.Type.IsArray.ToString().ToLowerInvariant())
        $w.WriteString((Get-ValueType $Parameter.Type).Name)
        Close
    }
    TypeElement (Get-ValueType $Parameter.Type).FullName
    Leaf 'dev:defaultValue' $Parameter.Default
    Close
}

function Format-Position([int] $Position) { if ($Position -ge 0) { [string]$Position } else { 'named' } }

function Write-Command($Help) {
    Open 'command:command'
    Open 'command:details'
    Leaf 'command:name' $Help.Name
    Leaf 'command:verb' $Help.Verb
    Leaf 'command:noun' $Help.Noun
    Paras 'maml:description' @($Help.Synopsis | Where-Object { $_ })
    Close
    Paras 'maml:description' $Help.Description
    Open 'command:syntax'
    foreach ($item in $Help.Syntax) {
        Open 'command:syntaxItem'
        Leaf 'maml:name' $Help.Name
        foreach ($s in $item.Parameters) { Write-Parameter $s.Parameter $s.Mandatory (Format-Position $s.Position) $s.Pipeline }
        Close
    }
    Close
    Open 'command:parameters'
    foreach ($p in $Help.Parameters) {
        $sets = @($p.Sets.Values)
        $positions = @($sets.Position | Select-Object -Unique)
        $position = if ($positions.Count -eq 1) { Format-Position $positions[0] } else { 'named' }
        Write-Parameter $p (-not $sets.Where({ -not $_.IsMandatory })) $position (Get-PipelineInputText $sets)
    }
    Close
    Open 'command:inputTypes'
    if (-not $Help.Inputs) { Open 'command:inputType'; TypeElement 'None'; Paras 'maml:description' @(); Close }
    foreach ($i in $Help.Inputs) { Open 'command:inputType'; TypeElement $i.Type; Paras 'maml:description' @($i.Description); Close }
    Close
    Open 'command:returnValues'
    foreach ($o in $Help.Outputs) { Open 'command:returnValue'; TypeElement $o; Paras 'maml:description' @(); Close }
    Close
    Open 'command:examples'
    for ($i = 0; $i -lt $Help.Examples.Count; $i++) {
        Open 'command:example'
        Leaf 'maml:title' "-------------------------- Example $($i + 1) --------------------------"
        Leaf 'dev:code' $Help.Examples[$i].Code
        Paras 'dev:remarks' $Help.Examples[$i].Remarks
        Close
    }
    Close
    Close
}
#endregion

$assemblyPath = Join-Path $ModuleDir "$AssemblyName.dll"
$docPath = Join-Path $ModuleDir "$AssemblyName.xml"
if (-not (Test-Path $docPath)) { throw "No XML documentation at ${docPath}: is GenerateDocumentationFile set in the cmdlet project?" }
$docs = [xml]::new()
$docs.PreserveWhitespace = $true  # the space in "<see cref="A"/> <c>b</c>" is a whitespace-only node
$docs.Load($docPath)
$assembly = [Reflection.Assembly]::LoadFrom($assemblyPath)

$help = foreach ($type in $assembly.GetExportedTypes() | Where-Object { -not $_.IsAbstract } | Sort-Object FullName) {
    $attribute = $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1
    if (-not $attribute) { continue }
    $h = Get-CmdletHelp $type $attribute
    foreach ($missing in Get-MissingDocs $h) { Write-Warning "$($h.Name) ($($type.Name)): $missing." }
    $h
}

$target = Join-Path $ModuleDir "en-US/$AssemblyName.dll-Help.xml"
New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
$temporary = "$target.tmp"
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$w = [System.Xml.XmlWriter]::Create($temporary, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($prefix in 'maml', 'command', 'dev') { $w.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }
    foreach ($h in $help) { Write-Command $h }
    $w.WriteEndDocument()
}
finally { $w.Dispose() }
Move-Item -Force $temporary $target
Write-Host "Help for $(@($help).Count) cmdlets: $target"
