# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the built module and finds the shared data.
$manifest = if ($env:MOEPS_MODULE_MANIFEST) { $env:MOEPS_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../MoePS/MoePS.psd1' }
Import-Module $manifest -Force

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:DataPath = if ($env:MOEPS_DATA_PATH) { $env:MOEPS_DATA_PATH } else { Join-Path $script:RepoRoot '../shared/data' }
if (-not (Test-Path $script:DataPath)) {
    # Tests that need the data fail (never skip) when it is missing.
    throw "Shared data folder not found at '$script:DataPath': set MOEPS_DATA_PATH or put shared/data beside the repository."
}
$script:DataPath = (Resolve-Path $script:DataPath).Path
$env:MOEPS_DATA_PATH = $script:DataPath

function New-TestFolder {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("moeps-test-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $dir
}

# Opens a workbook read-only: OpenXmlValidator errors, sheet names, rows per sheet, pictures on the Plots sheet.
function Test-Workbook([string] $Path) {
    $doc = [DocumentFormat.OpenXml.Packaging.SpreadsheetDocument]::Open($Path, $false)
    try {
        $errors = @([DocumentFormat.OpenXml.Validation.OpenXmlValidator]::new().Validate($doc))
        $book = $doc.WorkbookPart
        $sheets = @($book.Workbook.Sheets.ChildElements | ForEach-Object { $_.Name.Value })
        $rows = @{}
        foreach ($sheet in $book.Workbook.Sheets.ChildElements) {
            $part = $book.GetPartById($sheet.Id.Value)
            $rows[$sheet.Name.Value] = @($part.Worksheet.Descendants[DocumentFormat.OpenXml.Spreadsheet.Row]()).Count
            if ($sheet.Name.Value -eq 'Plots') { $images = @($part.DrawingsPart.ImageParts).Count }
        }
        [pscustomobject]@{ Errors = $errors; Sheets = $sheets; Rows = $rows; Images = $images }
    }
    finally { $doc.Dispose() }
}

# The command line that starts another pwsh like this one: under 'dotnet pwsh' the process is
# dotnet running pwsh.dll; a native pwsh is its own executable.
function Get-PwshCommandLine([string[]] $Arguments) {
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' } else { @() }
    [pscustomobject]@{ FilePath = $exe; Arguments = $prefix + @('-NoProfile', '-NonInteractive') + $Arguments }
}

# Runs $Body with downloads on and pointed at a 127.0.0.1 server that accepts connections and never
# answers ($env:MOEPS_DOWNLOAD_MIRROR, 1 s stall timeout), an empty data folder and a fresh cache;
# $Body gets the mirror's URL. The environment is restored and the server stopped afterwards.
function Invoke-WithHangingServer([scriptblock] $Body) {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()   # the kernel completes each connection; nothing ever reads or answers it
    $names = 'MOEPS_DATA_PATH', 'MOEPS_CACHE_PATH', 'MOEPS_OFFLINE', 'MOEPS_DOWNLOAD_MIRROR', 'MOEPS_DOWNLOAD_STALL_SECONDS'
    $saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    try {
        $env:MOEPS_DATA_PATH = New-TestFolder
        $env:MOEPS_CACHE_PATH = New-TestFolder
        $env:MOEPS_OFFLINE = $null
        $env:MOEPS_DOWNLOAD_MIRROR = "http://127.0.0.1:$($listener.LocalEndpoint.Port)"
        $env:MOEPS_DOWNLOAD_STALL_SECONDS = '1'
        & $Body $env:MOEPS_DOWNLOAD_MIRROR
    }
    finally {
        $listener.Stop()
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
    }
}
