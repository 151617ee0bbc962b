# Input a careless or hostile user gives the crystal and prediction cmdlets: each is refused with a message
# naming the file, row or structure, or handled as documented.
BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'Split-CrystalDataset with a leaky split file' {
    It 'refuses a row in both train and test, naming the rows, the parts and the file' {
        $ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        $file = Join-Path (New-TestFolder) 'leaky.json'
        Set-Content $file '{"jarvis_2d_gap_tbmbj": {"train": [0, 1, 2, 3], "val": [4, 5], "test": [6, 2, 1]}}'
        $err = $null
        $ds | Split-CrystalDataset -SplitFile $file -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "*leaky.json*'`$.jarvis_2d_gap_tbmbj.train' and '`$.jarvis_2d_gap_tbmbj.test' share rows 1, 2*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Import-Crystal with an impossible cell' {
    It 'refuses a negative CIF cell length, naming the file, line and value, and imports the rest' {
        $dir = New-TestFolder
        $lines = Get-Content (Join-Path $DataPath 'cgcnn-sample/9011998.cif')
        $at = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($l) $l -like '_cell_length_a *' })
        $lines[$at] = '_cell_length_a -5.0'
        Set-Content (Join-Path $dir 'negative.cif') $lines
        Copy-Item (Join-Path $DataPath 'cgcnn-sample/9011998.cif') (Join-Path $dir 'good.cif')
        $err = $null
        $crystals = Get-ChildItem $dir -Filter *.cif | Import-Crystal -ErrorVariable err -ErrorAction SilentlyContinue
        @($crystals).Count | Should -Be 1
        $err[0].Exception.Message | Should -BeLike "*negative.cif:$($at + 1):*_cell_length_a is -5.0; a cell length must be positive*"
    }
}

Describe 'Import-CrystalDataset target columns' {
    BeforeAll {
        function Get-CubicJson([string] $Element, [double] $Edge) {
            '{"lattice": {"matrix": [[E, 0, 0], [0, E, 0], [0, 0, E]]}, "sites": [{"species": [{"element": "X", "occu": 1}], "abc": [0, 0, 0]}]}'.
                Replace('E', $Edge.ToString([cultureinfo]::InvariantCulture)).Replace('"X"', """$Element""")
        }
    }

    It 'skips the rows with the NaN and Infinity that Python''s json.dumps writes, with a warning' {
        $file = Join-Path (New-TestFolder) 'python.json'
        Set-Content $file ('{"index": [0, 1, 2], "columns": ["structure", "band_gap"], "data": [[' +
            (Get-CubicJson Na 4) + ', NaN], [' + (Get-CubicJson K 5) + ', 1.25], [' + (Get-CubicJson Cs 6) + ', -Infinity]]}')
        $ds = Import-CrystalDataset $file -WarningVariable warnings -WarningAction SilentlyContinue
        $ds.Count | Should -Be 1
        $ds.Entries[0].Target | Should -Be 1.25
        "$warnings" | Should -Match 'Skipped 2 row'
    }

    It 'names the column, the value and the row when the target column holds text' {
        $file = Join-Path (New-TestFolder) 'text.json'
        Set-Content $file ('{"index": [0, 1], "columns": ["structure", "band_gap"], "data": [[' +
            (Get-CubicJson Na 4) + ', 0.5], [' + (Get-CubicJson K 5) + ', "metallic"]]}')
        { Import-CrystalDataset $file -ErrorAction Stop } |
            Should -Throw "*text.json*the target column 'band_gap' holds 'metallic' in row 1, not a number*"
    }
}

Describe 'Import-Crystal with a junk file' {
    It 'refuses random bytes as binary data from the first bytes, naming the file' {
        $file = Join-Path (New-TestFolder) 'junk.cif'
        $bytes = [byte[]]::new(2MB)
        [Random]::new(7).NextBytes($bytes)
        [IO.File]::WriteAllBytes($file, $bytes)
        $err = $null
        Import-Crystal $file -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "*junk.cif*binary data*not a text structure file*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}
