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

Describe 'Structures whose atoms have no neighbour within the graph radius' {
    BeforeAll {
        $script:Dir = New-TestFolder
        Set-Content (Join-Path $Dir 'lonely.vasp') "one Na atom in a 1000 A cell`n1.0`n1000 0 0`n0 1000 0`n0 0 1000`nNa`n1`nDirect`n0 0 0"
        $script:Lonely = Import-Crystal (Join-Path $Dir 'lonely.vasp')
        $script:Salt = Import-Crystal (Join-Path $DataPath 'cgcnn-sample/9011998.cif')
        $script:Eform = Get-Extractor mp_eform
    }
    AfterAll { Remove-Item -Recurse -Force $script:Dir }

    It 'Invoke-PropertyPrediction refuses them, naming the structure, and predicts the rest; -Force predicts them' {
        $err = $null
        $p = $Salt, $Lonely | Invoke-PropertyPrediction -Model $Eform -Device cpu -ErrorVariable err -ErrorAction SilentlyContinue
        @($p).Count | Should -Be 1
        $p.Id | Should -Be $Salt.Id
        "$($err[0])" | Should -BeLike "*Structure 'lonely'*lonely.vasp*atom 0 (Na) has no neighbour within 8 Å*Use -Force to predict it anyway.*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'IsolatedAtoms,*'

        $forced = $Lonely | Invoke-PropertyPrediction -Model $Eform -Device cpu -Force
        $forced.Id | Should -Be 'lonely'
        [double]::IsFinite($forced.Predicted) | Should -BeTrue
    }

    It 'Get-CrystalFeature refuses them the same way unless -Force' {
        $err = $null
        $Lonely | Get-CrystalFeature -Extractor $Eform -Device cpu -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike "*Structure 'lonely'*Use -Force to compute its features anyway.*"
        ($Lonely | Get-CrystalFeature -Extractor $Eform -Device cpu -Force).Feature.Length | Should -Be 64
    }

    It 'training refuses a dataset row with such atoms, naming the row, unless -Force' {
        $rows = foreach ($e in 'Na', 'K', 'Rb', 'Cs', 'Li', 'Ag', 'Cu', 'Au') {
            '[{"lattice": {"matrix": [[4, 0, 0], [0, 4, 0], [0, 0, 4]]}, "sites": [{"species": [{"element": "' + $e + '", "occu": 1}], "abc": [0, 0, 0]}]}, 1.5]'
        }
        $rows += '[{"lattice": {"matrix": [[1000, 0, 0], [0, 1000, 0], [0, 0, 1000]]}, "sites": [{"species": [{"element": "Na", "occu": 1}], "abc": [0, 0, 0]}]}, 2.5]'
        $file = Join-Path $Dir 'lonely-row.json'
        Set-Content $file ('{"columns": ["structure", "y"], "data": [' + ($rows -join ', ') + ']}')
        $ds = Import-CrystalDataset $file | Split-CrystalDataset -Seed 0

        $err = $null
        $ds | Start-ExtractorPretrain -Epochs 1 -Device cpu -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike "*Dataset 'lonely-row' has atoms with no neighbour within 8 Å: row 8 '8': atom 0 (Na)*Use -Force to train on it anyway.*"
        { $Eform | New-MixtureModel | Start-MixtureTraining -Dataset $ds -Epochs 1 -Device cpu -ErrorAction Stop } |
            Should -Throw "*row 8 '8'*"

        ($ds | Start-ExtractorPretrain -Epochs 1 -Device cpu -Force).Training.EpochsRun | Should -Be 1
    }
}
