BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Sample = Join-Path $DataPath 'cgcnn-sample'
    # The sample's placeholder targets (1.0 … 10.0), read as a user's CSV would be: every value a string.
    $script:Rows = Import-Csv (Join-Path $Sample 'id_prop.csv') -Header id, band_gap
    $script:Folder = New-TestFolder

    # Atoms, lattice, target and id of every row, as text with every bit of every number.
    function Get-DatasetFingerprint($Dataset) {
        foreach ($entry in $Dataset.Entries) {
            $c = $entry.Crystal
            $numbers = @($c.Lattice.Matrix) + @($c.Sites | ForEach-Object { $_.Fractional + $_.Cartesian }) + $entry.Target
            '{0} {1} {2}' -f $c.Id, ($c.AtomicNumbers -join ','), (($numbers | ForEach-Object { $_.ToString('R', [cultureinfo]::InvariantCulture) }) -join ',')
        }
    }
}

AfterAll { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }

Describe 'New-CrystalDataset' {
    It 'builds a dataset from Import-Csv rows, the structure path from a script block relative to the current location' {
        Push-Location $DataPath
        try { $ds = $script:Rows | New-CrystalDataset -Structure { "cgcnn-sample/$($_.id).cif" } -Target band_gap -Id id -Unit eV }
        finally { Pop-Location }
        $ds.Count | Should -Be 10
        $ds.Name | Should -Be 'band_gap'
        $ds.TargetName | Should -Be 'band_gap'
        $ds.Unit | Should -Be 'eV'
        $ds.Split | Should -BeNullOrEmpty
        $ds.Entries.Crystal.Id | Should -Be $script:Rows.id
        $ds.Entries.Target | Should -Be ($script:Rows.band_gap | ForEach-Object { [double]$_ })
        ($ds.Entries | Where-Object { $_.Crystal.Id -eq '1000041' }).Crystal.Formula | Should -Be 'NaCl'
        $ds.Entries[0].Crystal.Source | Should -BeLike '*1000041.cif*'
        $ds.Entries[0].Extras['id'] | Should -Be '1000041'
        ($ds | Out-String) | Should -Match 'band_gap\s+10\s+band_gap\s+eV'
    }

    It 'reports each bad row as a non-terminating error naming its number and value, and keeps the others' {
        $broken = Join-Path $script:Folder 'broken.cif'
        Set-Content $broken "data_broken`n_cell_length_a 4`nloop_`n_atom_site_label`n_atom_site_fract_x`nNa 0"
        $csv = Join-Path $script:Folder 'gaps.csv'
        Set-Content $csv @(
            'file,band_gap,note'
            "$Sample/1000041.cif,1.5,salt"
            "$Sample/1000050.cif,,no value yet"
            "$Sample/9011998.cif,n/a,typo"
            "$(Join-Path $script:Folder 'missing.cif'),2.0,moved"
            "$broken,3.0,truncated"
            "$Sample/9012304.cif,5.5,diamond"
        )
        $err = $null
        $ds = Import-Csv $csv | New-CrystalDataset -Structure file -Target band_gap -Name gaps `
            -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        $ds.Count | Should -Be 2
        $ds.Entries.Target | Should -Be 1.5, 5.5
        $ds.Entries.Crystal.Formula | Should -Be 'NaCl', 'C'
        $err.Count | Should -Be 4
        $err[0].Exception.Message | Should -Be "Row 2: target 'band_gap' is empty."
        $err[1].Exception.Message | Should -Be "Row 3: target 'band_gap' is 'n/a', not a number."
        $err[2].Exception.Message | Should -BeLike "Row 4: structure file '*missing.cif' does not exist."
        $err[2].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[3].Exception.Message | Should -BeLike 'Row 5: *broken.cif*'
        $err[3].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[3].TargetObject.note | Should -Be 'truncated'
        "$warnings" | Should -BeLike "*'gaps' has 2 of 6 rows; 4 were left out*"
    }

    It 'takes typed values as Import-Excel gives them, and a path or FileInfo property' {
        $rows = @(
            [pscustomobject]@{ formula = 'Si'; file = Get-Item (Join-Path $Sample '9011998.cif'); gap = 1.12; cubic = $true }
            [pscustomobject]@{ formula = 'Ge'; file = (Join-Path $Sample '9011050.cif'); gap = [int]1; cubic = $true }
        )
        $ds = $rows | New-CrystalDataset -Target gap -Structure file -Id formula -TargetName 'gap (eV)'
        $ds.Entries.Crystal.Id | Should -Be 'Si', 'Ge'
        $ds.Entries.Target | Should -Be 1.12, 1.0
        $ds.TargetName | Should -Be 'gap (eV)'
        $ds.Name | Should -Be 'gap (eV)'
        $ds.Entries[0].Extras.Keys | Sort-Object | Should -Be 'cubic', 'formula'
        $ds.Entries[0].Extras['cubic'] | Should -BeTrue
    }

    It 'joins Import-Crystal output to targets, as a Crystal property or added to the crystals' {
        $gap = @{}
        $script:Rows | ForEach-Object { $gap[$_.id] = $_.band_gap }
        $crystals = Get-ChildItem (Join-Path $Sample '*.cif') | Import-Crystal

        $joined = $crystals | Select-Object @{ n = 'Crystal'; e = { $_ } }, @{ n = 'band_gap'; e = { $gap[$_.Id] } } |
            New-CrystalDataset -Target band_gap
        $joined.Count | Should -Be 10
        foreach ($e in $joined.Entries) { $e.Target | Should -Be ([double]$gap[$e.Crystal.Id]) }
        $joined.Entries[0].Crystal.Properties['Target'] | Should -Be $joined.Entries[0].Target

        $added = $crystals | ForEach-Object { $_ | Add-Member -NotePropertyName band_gap -NotePropertyValue $gap[$_.Id] -PassThru } |
            New-CrystalDataset band_gap
        $added.Entries.Crystal.Id | Should -Be $joined.Entries.Crystal.Id
        $added.Entries.Target | Should -Be $joined.Entries.Target
    }

    It 'says how to name the structure when a row has none, and fails when no row is left' {
        $err = $thrown = $null
        try { [pscustomobject]@{ id = 1; band_gap = 2 } | New-CrystalDataset -Target band_gap -ErrorVariable err -ErrorAction SilentlyContinue }
        catch { $thrown = $_ }
        $thrown.Exception.Message | Should -Be 'No dataset: all 1 rows were left out (see the errors above).'
        $err[0].Exception.Message | Should -BeLike 'Row 1 has neither a Crystal nor a Crystal property; name its structure file with -Structure*'
        { [pscustomobject]@{ id = 1 } | New-CrystalDataset -Target band_gap -Structure id -ErrorAction SilentlyContinue } |
            Should -Throw 'No dataset*'
        $e = { [pscustomobject]@{ id = 1 } | New-CrystalDataset -Target band_gap -Structure id -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -Be "Row 1 has no property 'band_gap' (it has: id)."
    }
}

Describe 'Rows that are hard to tell apart or left out' {
    It 'warns when rows share an id, naming the ids and their rows' {
        $rows = $script:Rows | Select-Object -First 3 | ForEach-Object { [pscustomobject]@{ file = "$script:Sample/$($_.id).cif"; gap = $_.band_gap; id = 'same' } }
        $ds = $rows | New-CrystalDataset -Structure file -Target gap -Id id -WarningVariable warnings -WarningAction SilentlyContinue
        $ds.Count | Should -Be 3
        "$warnings" | Should -Be ("The dataset 'gap' has 1 id(s) on more than one row: 'same' (rows 0, 1, 2). " +
            'Predictions and errors name rows by id, so these rows are hard to tell apart.')
        $script:Rows | New-CrystalDataset -Structure { "$script:Sample/$($_.id).cif" } -Target band_gap -Id id -WarningVariable none -WarningAction SilentlyContinue | Out-Null
        $none | Should -BeNullOrEmpty
    }

    It 'warns when a split file leaves more than 1% of the rows unused, and says so verbosely for the paper''s few' {
        $ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        $file = Join-Path $script:Folder 'partial-split.json'
        @{ jarvis_2d_gap_tbmbj = @{ train = @(0..69); val = @(70..89); test = @(90..104) } } | ConvertTo-Json -Depth 3 | Set-Content $file
        $split = $ds | Split-CrystalDataset -SplitFile $file -WarningVariable warnings -WarningAction SilentlyContinue
        $split.Split.Train.Count | Should -Be 70
        "$warnings" | Should -BeLike "15 of the 120 rows of 'jarvis_2d_gap_tbmbj' are in no part of the split *; they are not used."

        $eform = Import-CrystalDataset -Name jarvis_2d_eform
        $out = $eform | Split-CrystalDataset -SplitFile (Join-Path $DataPath 'splits/seed0.json') -Verbose -WarningVariable paper -WarningAction SilentlyContinue 4>&1
        $paper | Should -BeNullOrEmpty
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -BeLike "2 of the 633 rows of 'jarvis_2d_eform' are in no part of the split *"
    }
}

Describe 'Export-CrystalDataset' {
    BeforeAll {
        $script:Built = $script:Rows | New-CrystalDataset -Structure { Join-Path $Sample "$($_.id).cif" } -Target band_gap -Id id -Name sample
    }

    It 'writes Matminer JSON (<Name>) that Import-CrystalDataset reads back with the same atoms, lattices, targets and ids' -ForEach @(
        @{ Name = 'sample.json.gz'; Gzip = $true }
        @{ Name = 'sample.json'; Gzip = $false }
    ) {
        $path = Join-Path $script:Folder $Name
        $file = $script:Built | Export-CrystalDataset -Path $path -PassThru
        $file.FullName | Should -Be $path
        $head = [IO.File]::ReadAllBytes($path)[0..1]
        ($head[0] -eq 0x1f -and $head[1] -eq 0x8b) | Should -Be $Gzip

        $back = Import-CrystalDataset $path
        $back.Name | Should -Be 'sample'
        $back.TargetName | Should -Be 'band_gap'
        Get-DatasetFingerprint $back | Should -Be (Get-DatasetFingerprint $script:Built)
        $back.Entries[3].Extras['id'] | Should -Be $script:Rows[3].id
    }

    It 'uses the layout of the paper''s task files: pandas orient=split with pymatgen structures' {
        $path = Join-Path $script:Folder 'layout.json'
        $script:Built | Export-CrystalDataset $path
        $json = Get-Content -Raw $path | ConvertFrom-Json
        $json.PSObject.Properties.Name | Should -Be 'index', 'columns', 'data'
        $json.index | Should -Be $script:Rows.id
        $json.columns | Should -Be 'structure', 'band_gap', 'id'
        $json.data.Count | Should -Be 10
        $s = $json.data[0][0]
        $s.'@module' | Should -Be 'pymatgen.core.structure'
        $s.'@class' | Should -Be 'Structure'
        $s.lattice.PSObject.Properties.Name | Should -Be 'matrix', 'pbc', 'a', 'b', 'c', 'alpha', 'beta', 'gamma', 'volume'
        $s.sites[0].PSObject.Properties.Name | Should -Be 'species', 'abc', 'xyz', 'label', 'properties'
        $s.sites[0].species[0].element | Should -BeIn 'Na', 'Cl'
        $s.sites[0].species[0].occu | Should -Be 1
        $json.data[0][1] | Should -Be 1.0
    }

    It 'round-trips a paper task: its mp ids, targets and extra columns' {
        $task = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj
        $path = Join-Path $script:Folder 'task.json.gz'
        $task | Export-CrystalDataset $path
        $back = Import-CrystalDataset $path
        Get-DatasetFingerprint $back | Should -Be (Get-DatasetFingerprint $task)
        $back.TargetName | Should -Be 'gap tbmbj'
        $back.Entries[5].Extras['mpid'] | Should -Be $task.Entries[5].Extras['mpid']
    }

    It 'replaces a file only with -Force, writes nothing with -WhatIf, and names the file in a folder after the dataset' {
        $path = Join-Path $script:Folder 'exists.json.gz'
        Set-Content $path 'keep me'
        $err = $null
        $script:Built | Export-CrystalDataset $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike "*exists.json.gz' already exists; use -Force*"
        Get-Content $path | Should -Be 'keep me'
        $script:Built | Export-CrystalDataset $path -Force
        (Import-CrystalDataset $path).Count | Should -Be 10

        $whatIf = Join-Path $script:Folder 'whatif.json.gz'
        $script:Built | Export-CrystalDataset $whatIf -WhatIf
        Test-Path $whatIf | Should -BeFalse

        $sub = New-Item -ItemType Directory (Join-Path $script:Folder 'share')
        $script:Built | Export-CrystalDataset $sub -PassThru | Select-Object -ExpandProperty Name | Should -Be 'sample.json.gz'
        @(Get-ChildItem -Force $sub).Name | Should -Be 'sample.json.gz'     # no temporary file left behind
    }
}
