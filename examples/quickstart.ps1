#Requires -Version 7.4
<#
.SYNOPSIS
    The MoePS story in a few pipeline lines (run by ./build.ps1 Demo): a small task, the paper's
    18 pre-trained extractors, a top-4 mixture, its gate scores, predictions for new CIF files,
    and a small STL / TL / MoE benchmark exported to an Excel workbook with plots.
.DESCRIPTION
    Uses the paper's data from $env:MOEPS_DATA_PATH, else ../shared/data beside the repository.
    With neither, it downloads what it needs once (pinned URLs, SHA-256 checked): the Matbench
    exfoliation-energy set (matbench_jdft2d, the same 636 2D materials) and the 18 extractors.
    CPU-sized: a few minutes on 2 cores. Outputs go to ./demo-output (git-ignored).
#>
param(
    # Epochs of the mixture and of each benchmark run; the paper trains up to 1000.
    [int] $Epochs = 100,
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../demo-output')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../MoePS/MoePS.psd1')
$clock = [Diagnostics.Stopwatch]::StartNew()

$data = if ($env:MOEPS_DATA_PATH) { $env:MOEPS_DATA_PATH } else { Join-Path $PSScriptRoot '../../shared/data' }
$local = Test-Path (Join-Path $data 'tasks/jarvis_2d_exfoliation.json.gz')
if ($local) { $env:MOEPS_DATA_PATH = (Resolve-Path $data).Path }
New-Item -ItemType Directory -Force $OutputFolder | Out-Null

# 1. A small downstream task: exfoliation energies of 636 2D materials, with the paper's seed-0 split
#    (Matbench's copy and a random seed-0 split when the paper's data isn't here).
$ds = if ($local) {
    Import-CrystalDataset -Name jarvis_2d_exfoliation | Split-CrystalDataset -SplitFile (Join-Path $env:MOEPS_DATA_PATH 'splits/seed0.json')
} else {
    Import-CrystalDataset -Name matbench_jdft2d | Split-CrystalDataset -Seed 0
}
$ds | Format-Table

# 2. The paper's 18 pre-trained extractors, each a CGCNN trained on a large source task.
$extractors = Get-Extractor
$extractors | Format-Table

# 3. A sparse mixture: the gate picks the 4 most useful extractors while a new head learns the task.
$moe = $extractors | New-MixtureModel -TopK 4 | Start-MixtureTraining -Dataset $ds -Epochs $Epochs -Seed 0
$moe | Format-List Name, PropertyName, Unit, BestEpoch, TrainMAE, ValMAE, TestMAE

# 4. Which extractors it chose (the paper's Fig. 4 for this task).
Get-ExtractorScore -Model $moe | Where-Object Active | Format-Table

# 5. Predictions for new crystals: ten CIF files from the Crystallography Open Database
#    (or, without the sample files, ten test crystals of the task with their known values).
$cifs = Join-Path $data 'cgcnn-sample'
$crystals = if (Test-Path $cifs) { Get-ChildItem (Join-Path $cifs '*.cif') | Import-Crystal }
            else { $ds.Rows($ds.Split.Test) | Select-Object -First 10 | ForEach-Object Crystal }
$crystals | Invoke-PropertyPrediction -Model $moe | Format-Table

# 6. The paper's comparison in miniature: STL vs TL (from mp_eform) vs MoE on this task, one seed,
#    each result appended to a JSON Lines file as it finishes; then the summary and a workbook.
$results = Join-Path $OutputFolder 'demo.jsonl'
Remove-Item $results -ErrorAction SilentlyContinue
Invoke-MoeBenchmark -Task $ds -Method STL, TL, MoE -TopK 4 -Seed 0 -Epochs $Epochs -ResultPath $results | Format-Table
Measure-MoeBenchmark -ResultPath $results | Format-Table
Export-MoeReport -ResultPath $results -Path (Join-Path $OutputFolder 'demo.xlsx') -Force -PassThru | Format-Table Name, Length

Write-Host ("Demo finished in {0:N0} s; outputs in {1}" -f $clock.Elapsed.TotalSeconds, (Resolve-Path $OutputFolder))
