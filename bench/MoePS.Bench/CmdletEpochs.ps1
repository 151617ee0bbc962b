# Times epochs through the cmdlets, as a user types them (cmdlet.epoch benchmark): one fresh training, one JSON line
# per epoch on stdout, {"seconds": <the model's .Training.History[i].Seconds>, "minflt", "majflt", "trims"}; the page
# faults and heap trims are this process's between consecutive epochs' verbose lines (read as each line comes down the
# pipeline).
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [ValidateSet('stl', 'moe')] [string] $Kind,
    [Parameter(Mandatory)] [string] $Task,
    [Parameter(Mandatory)] [string] $SplitFile,
    [Parameter(Mandatory)] [int] $Epochs,
    # moe: extractors active at once; 0: all of them.
    [int] $TopK
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module

function Get-PageFault {
    $stat = [IO.File]::ReadAllText('/proc/self/stat')
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    [pscustomobject]@{ Minor = [long]$fields[7]; Major = [long]$fields[9]; Trims = [MoePS.Engine.Runtime.NativeMemory]::TrimCount }
}

$ds = Import-CrystalDataset -Name $Task | Split-CrystalDataset -SplitFile $SplitFile
$faults = [Collections.Generic.List[object]]::new()
$last = Get-PageFault
$training = if ($Kind -eq 'stl') {
    # The paper code's STL optimiser (main_singletask.py), as the engine-side benchmark uses.
    { Start-ExtractorPretrain -Dataset $ds -Epochs $Epochs -Optimizer SGD -LearningRate 0.02 -Verbose 4>&1 }
} else {
    $mixture = if ($TopK -gt 0) { @{ TopK = $TopK } } else { @{} }
    { Get-Extractor | Where-Object Kind -eq CGCNN | New-MixtureModel @mixture | Start-MixtureTraining -Dataset $ds -Epochs $Epochs -Verbose 4>&1 }
}
$trained = & $training | ForEach-Object {
    if ($_ -isnot [Management.Automation.VerboseRecord]) { return $_ }
    if ($_.Message -notmatch '^Epoch \d+/') { return }
    $now = Get-PageFault
    $faults.Add([pscustomobject]@{ Minor = $now.Minor - $last.Minor; Major = $now.Major - $last.Major; Trims = $now.Trims - $last.Trims })
    $last = $now
}
$history = $trained.Training.History
if ($history.Count -ne $faults.Count) { throw "$($history.Count) epochs in the history but $($faults.Count) epoch lines." }
for ($i = 0; $i -lt $history.Count; $i++) {
    @{ seconds = $history[$i].Seconds; minflt = $faults[$i].Minor; majflt = $faults[$i].Major; trims = $faults[$i].Trims } | ConvertTo-Json -Compress
}
