#Requires -Version 7.4
<#
.SYNOPSIS
    The MoePS story in a few pipeline lines (run by ./build.ps1 Demo).
#>
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')

$data = if ($env:MOEPS_DATA_PATH) { $env:MOEPS_DATA_PATH } else { Join-Path $PSScriptRoot '../../shared/data' }
if (Test-Path $data) { $env:MOEPS_DATA_PATH = (Resolve-Path $data).Path }

# 1. A small downstream task from the paper, with its seed-0 split.
$ds = Import-CrystalDataset -Name jarvis_2d_exfoliation |
    Split-CrystalDataset -SplitFile (Join-Path $env:MOEPS_DATA_PATH 'splits/seed0.json')
$ds | Format-Table

# 2. Ten real CIF files from the Crystallography Open Database.
$cifs = Get-ChildItem (Join-Path $env:MOEPS_DATA_PATH 'cgcnn-sample/*.cif') | Import-Crystal
$cifs | Format-Table

# 3. Their crystal graphs: 12 nearest neighbours within 8 Å per atom.
$settings = [MoePS.Engine.Graphs.GraphSettings]::Default
$graphs = $cifs | ForEach-Object { [MoePS.Engine.Graphs.GraphBuilder]::Build($_, $settings) }
$distances = $graphs | ForEach-Object { $_.NeighbourDistance } | Measure-Object -Minimum -Maximum -Average
[pscustomobject]@{
    Structures       = $graphs.Count
    Atoms            = ($graphs | Measure-Object AtomCount -Sum).Sum
    NeighboursPerAtom = $settings.MaxNeighbours
    NearestÅ         = [math]::Round($distances.Minimum, 3)
    MeanÅ            = [math]::Round($distances.Average, 3)
    FarthestKeptÅ    = [math]::Round($distances.Maximum, 3)
} | Format-List
