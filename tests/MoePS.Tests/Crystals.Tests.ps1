BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'Import-CrystalDataset' {
    It 'imports a paper task file with its target, unit and ids' {
        $ds = Import-CrystalDataset -Path (Join-Path $DataPath 'tasks/jarvis_2d_gap_tbmbj.json.gz')
        $ds.Count | Should -Be 120
        $ds.TargetName | Should -Be 'gap tbmbj'
        $ds.Unit | Should -Be 'eV'
        $ds.Entries[0].Crystal.Id | Should -BeLike 'mp-*'
    }

    It 'imports a paper task by name and completes the name' {
        $ds = Import-CrystalDataset -Name expt_eform
        $ds.Count | Should -Be 1709
        $ds.Name | Should -Be 'expt_eform'
        $line = 'Import-CrystalDataset -Name jarvis_2d_gap'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Contain 'jarvis_2d_gap_tbmbj'
    }

    It 'imports the CGCNN sample folder and prints a table' {
        $ds = Import-CrystalDataset (Join-Path $DataPath 'cgcnn-sample')
        $ds.Count | Should -Be 10
        ($ds | Out-String) | Should -Match 'cgcnn-sample\s+10\s+target'
    }

    It 'warns with the number of rows whose target is missing' {
        $dir = New-TestFolder
        Copy-Item (Join-Path $DataPath 'cgcnn-sample/9011998.cif') (Join-Path $dir 'si.cif')
        Set-Content (Join-Path $dir 'id_prop.csv') "si,1.5`nsi,nan`nsi,"
        $ds = Import-CrystalDataset $dir -WarningVariable warnings -WarningAction SilentlyContinue
        $ds.Count | Should -Be 1
        "$warnings" | Should -Match 'Skipped 2 row'
    }

    It 'fails offline for a Matbench set, saying the URL and where to put the file' {
        $saved = $env:MOEPS_CACHE_PATH, $env:MOEPS_OFFLINE
        try {
            $env:MOEPS_CACHE_PATH = New-TestFolder
            $env:MOEPS_OFFLINE = '1'
            $err = $null
            Import-CrystalDataset -Name matbench_jdft2d -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -BeLike '*https://ml.materialsproject.org/projects/matbench_jdft2d.json.gz*'
            $err[0].Exception.Message | Should -BeLike "*$(Join-Path $env:MOEPS_CACHE_PATH 'matbench/matbench_jdft2d.json.gz')*"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally { $env:MOEPS_CACHE_PATH, $env:MOEPS_OFFLINE = $saved }
    }

    It 'says, for a paper task without a data folder, to set MOEPS_DATA_PATH and what the folder holds' -ForEach @(
        @{ DataPath = ''; Why = '$MOEPS_DATA_PATH is not set' }
        @{ DataPath = 'no-such-folder'; Why = "`$MOEPS_DATA_PATH is '*no-such-folder', which names no existing folder" }
    ) {
        $saved = $env:MOEPS_DATA_PATH, $env:MOEPS_CACHE_PATH
        try {
            $env:MOEPS_CACHE_PATH = New-TestFolder
            $env:MOEPS_DATA_PATH = if ($DataPath) { Join-Path $env:MOEPS_CACHE_PATH $DataPath } else { '' }
            $err = $null
            Import-CrystalDataset -Name expt_eform -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -BeLike "Unknown dataset 'expt_eform'.* No data folder is configured: $Why. The paper's tasks * cannot be downloaded; set `$MOEPS_DATA_PATH to a folder that holds tasks/<key>.json.gz (*) and splits/seed0.json ... seed4.json (the paper's splits).*"
            $err[0].TargetObject | Should -Be 'expt_eform'
        }
        finally { $env:MOEPS_DATA_PATH, $env:MOEPS_CACHE_PATH = $saved }
    }

    It 'gives up on a server that accepts and never answers, naming the URL and where to put the file' {
        Invoke-WithHangingServer {
            param($mirror)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $err = $null
            Import-CrystalDataset -Name matbench_jdft2d -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
            $err[0].Exception.Message | Should -BeLike "*$mirror/matbench_jdft2d.json.gz sent no response within 1 s*"
            $err[0].Exception.Message | Should -BeLike '*Download https://ml.materialsproject.org/projects/matbench_jdft2d.json.gz yourself*'
            $err[0].Exception.Message | Should -BeLike "*put it at $(Join-Path $env:MOEPS_CACHE_PATH 'matbench/matbench_jdft2d.json.gz')*"
            @(Get-ChildItem $env:MOEPS_CACHE_PATH -Recurse -File) | Should -BeNullOrEmpty
        }
    }

    It 'shows the download as a progress bar with size and rate, and closes it' {
        Invoke-WithHangingServer {
            param($mirror)
            $ps = [powershell]::Create()
            try {
                $manifest = Join-Path (Get-Module MoePS).ModuleBase 'MoePS.psd1'
                $ps.AddScript("Import-Module '$manifest'; Import-CrystalDataset -Name matbench_jdft2d -ErrorAction SilentlyContinue").Invoke() | Out-Null
                $records = @($ps.Streams.Progress | Where-Object Activity -eq "Downloading $mirror/matbench_jdft2d.json.gz")
                $records[0].StatusDescription | Should -BeLike "0.0 MB, 0.0 MB/s → *matbench_jdft2d.json.gz"
                $records[-1].RecordType | Should -Be 'Completed'
            }
            finally { $ps.Dispose() }
        }
    }

    It 'reports a JSON file with a missing column as an error naming the file' {
        $file = Join-Path (New-TestFolder) 'bad.json'
        Set-Content $file '{"index": [0], "columns": ["formula", "y"], "data": [["NaCl", 1.0]]}'
        { Import-CrystalDataset $file -ErrorAction Stop } | Should -Throw "*bad.json*missing column 'structure'*"
    }
}

Describe 'Import-Crystal' {
    It 'imports the 10 sample CIFs from Get-ChildItem with formulas' {
        $crystals = Get-ChildItem (Join-Path $DataPath 'cgcnn-sample/*.cif') | Import-Crystal
        $crystals.Count | Should -Be 10
        ($crystals | Where-Object Id -eq '1000041').Formula | Should -BeIn 'NaCl', 'ClNa'
        ($crystals | Where-Object Id -eq '7206075').AtomCount | Should -Be 12
        ($crystals | Out-String) | Should -Match 'Formula'
    }

    It 'reports a bad file in the stream as a non-terminating error and imports the rest' {
        $dir = New-TestFolder
        Copy-Item (Join-Path $DataPath 'cgcnn-sample/9011998.cif'), (Join-Path $DataPath 'cgcnn-sample/1000041.cif') $dir
        Set-Content (Join-Path $dir 'broken.cif') "data_broken`n_cell_length_a 4`nloop_`n_atom_site_label`n_atom_site_fract_x`n_atom_site_fract_y`n_atom_site_fract_z`nNa 0 0"
        $err = $null
        $crystals = Get-ChildItem (Join-Path $dir '*.cif') | Import-Crystal -ErrorVariable err -ErrorAction SilentlyContinue
        $crystals.Count | Should -Be 2
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -Match 'broken\.cif:\d+:'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -BeLike '*broken.cif'
    }

    It 'keeps the good blocks of a multi-block CIF and reports the bad one as a non-terminating error' {
        $dir = New-TestFolder
        $block = { param($name, $a) "data_$name`n_cell_length_a $a`n_cell_length_b 4`n_cell_length_c 4`n_cell_angle_alpha 90`n_cell_angle_beta 90`n_cell_angle_gamma 90`nloop_`n_atom_site_label`n_atom_site_fract_x`n_atom_site_fract_y`n_atom_site_fract_z`nNa1 0 0 0`n" }
        $cif = Join-Path $dir 'three.cif'
        Set-Content $cif ((& $block first 4) + (& $block bad -4) + (& $block last 5))
        $crystals = Import-Crystal $cif -ErrorVariable err -ErrorAction SilentlyContinue
        $crystals.Id | Should -Be 'first', 'last'
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -BeLike '*three.cif:*: data_bad: _cell_length_a is -4*'
        $err[0].TargetObject | Should -Be $cif
    }

    It 'reads POSCAR files and rejects disordered CIF sites unless asked for the majority species' {
        $dir = New-TestFolder
        Set-Content (Join-Path $dir 'POSCAR') "CsCl`n1.0`n4.1 0 0`n0 4.1 0`n0 0 4.1`nCs Cl`n1 1`nDirect`n0 0 0`n0.5 0.5 0.5"
        (Import-Crystal (Join-Path $dir 'POSCAR')).Formula | Should -Be 'CsCl'
        $cif = Join-Path $dir 'alloy.cif'
        Set-Content $cif "data_alloy`n_cell_length_a 3.6`n_cell_length_b 3.6`n_cell_length_c 3.6`n_cell_angle_alpha 90`n_cell_angle_beta 90`n_cell_angle_gamma 90`nloop_`n_atom_site_label`n_atom_site_fract_x`n_atom_site_fract_y`n_atom_site_fract_z`n_atom_site_occupancy`nCu1 0 0 0 0.6`nAu1 0 0 0 0.4"
        { Import-Crystal $cif -ErrorAction Stop } | Should -Throw '*alloy.cif*site Cu1/Au1*disordered*'
        (Import-Crystal $cif -Disorder MajoritySpecies -WarningVariable none -WarningAction SilentlyContinue).Formula | Should -Be 'Cu'
        $none | Should -BeNullOrEmpty
        Set-Content $cif ((Get-Content $cif -Raw) -replace '0\.6', '0.5' -replace '0\.4', '0.5')
        (Import-Crystal $cif -Disorder MajoritySpecies -WarningVariable tie -WarningAction SilentlyContinue).Formula | Should -Be 'Cu'
        "$tie" | Should -BeLike '*alloy.cif:*site Cu1/Au1: Cu, Au tie for the majority (occupancy 0.5); -Disorder MajoritySpecies kept Cu, the first listed.'
    }
}

Describe 'Split-CrystalDataset' {
    BeforeAll { $script:eform = Import-CrystalDataset -Name expt_eform }

    It 'applies the paper split file for the dataset''s task' {
        $split = $eform | Split-CrystalDataset -SplitFile (Join-Path $DataPath 'splits/seed0.json')
        $split.Split.Train.Count | Should -Be 1196
        $split.Split.Validation.Count | Should -Be 257
        $split.Split.Test.Count | Should -Be 256
        ($split | Out-String) | Should -Match '1196/257/256'
    }

    It 'splits randomly and reproducibly by seed' {
        $a = $eform | Split-CrystalDataset -Seed 3 -TrainFraction 0.8 -ValidationFraction 0.1
        $b = $eform | Split-CrystalDataset -Seed 3 -TrainFraction 0.8 -ValidationFraction 0.1
        $a.Split.Train.Count | Should -Be 1367
        $a.Split.Validation.Count | Should -Be 170
        $a.Split.Test.Count | Should -Be 172
        ($a.Split.Train -join ',') | Should -Be ($b.Split.Train -join ',')
    }

    It 'names the task when the split file lacks it' {
        { $eform | Split-CrystalDataset -SplitFile (Join-Path $DataPath 'splits/seed0.json') -Task nope -ErrorAction Stop } |
            Should -Throw "*no split for task 'nope'*"
    }
}
