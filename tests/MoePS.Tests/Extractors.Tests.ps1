BeforeAll {
    . $PSScriptRoot/TestSetup.ps1

    # The crystals are the golden file's pymatgen structures, read with the engine's reader, so that
    # each one's expected mp_eform prediction from the paper's code belongs to exactly that structure.
    $golden = [System.Text.Json.JsonDocument]::Parse([IO.File]::ReadAllText((Join-Path $script:DataPath 'golden/cgcnn_golden.json')))
    $script:Crystals = [System.Collections.Generic.List[object]]::new()
    $script:Expected = @{}
    foreach ($task in $golden.RootElement.GetProperty('tasks').EnumerateObject()) {
        foreach ($s in $task.Value.GetProperty('structures').EnumerateArray()) {
            $id = '{0}#{1}' -f $task.Name, $s.GetProperty('row').GetInt32()
            $script:Crystals.Add([MoePS.Engine.Crystals.PymatgenStructure]::Read($s.GetProperty('structure'), $id, 'cgcnn_golden.json', 'Reject'))
            $script:Expected[$id] = $s.GetProperty('outputs').GetProperty('mp_eform').GetProperty('prediction').GetDouble()
        }
    }

    function New-OganessonCrystal {
        $lattice = [MoePS.Engine.Crystals.Lattice]::FromParameters(5, 5, 5, 90, 90, 90)
        $site = [MoePS.Engine.Crystals.Site]::new([MoePS.Engine.Crystals.Element]::FromNumber(118), [double[]](0, 0, 0), [double[]](0, 0, 0), 'Og')
        [MoePS.Engine.Crystals.Crystal]::new('og-cube', $lattice, [MoePS.Engine.Crystals.Site[]]@($site))
    }
}

Describe 'Get-Extractor' {
    It 'loads a paper extractor by name with its source task' {
        $e = Get-Extractor mp_eform
        $e.Name | Should -Be 'mp_eform'
        $e.TrainedOn | Should -Be 132752
        $e.Unit | Should -Be 'eV/atom'
        $e.FeatureLength | Should -Be 64
        ($e | Out-String -Width 120) | Should -Match 'Materials Project formation energy'
    }

    It 'loads the 18 (and the other experts found) without a name, and accepts wildcards' {
        $all = Get-Extractor | Where-Object Kind -eq CGCNN
        $all.Count | Should -Be 18
        $table = ($all | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $table[0] | Should -Match '^Name\s+TrainedOn\s+ValMAE\s+Unit\s+SourceTask$'     # the table view
        foreach ($line in $table) { $line.Length | Should -BeLessOrEqual 80 }
        $table | Where-Object { $_ -match '^mp_eform\s+132752\s+\S+\s+eV/atom\s+Materials Project' } | Should -Not -BeNullOrEmpty
        (Get-Extractor 'mp_*').Name | Should -Be @('mp_eform', 'mp_bandgap', 'mp_gvrh', 'mp_kvrh')
    }

    It 'reports an unknown name as an error' {
        Get-Extractor mp_nonsense -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'mp_nonsense'
    }
}

Describe 'Get-Extractor downloads' {
    It 'gives up on a server that accepts and never answers, naming the URL and where to put the checkpoint' {
        Invoke-WithHangingServer {
            param($mirror)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $err = $null
            Get-Extractor mp_gvrh -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
            $err[0].Exception.Message | Should -BeLike "*$mirror/*gvrh*.pth.tar sent no response within 1 s*"
            $err[0].Exception.Message | Should -BeLike '*Download https://raw.githubusercontent.com/rees-c/MoE/*gvrh*.pth.tar yourself*'
            $err[0].Exception.Message | Should -BeLike "*save it as $(Join-Path $env:MOEPS_CACHE_PATH 'extractors/pytorch/mp_gvrh.pth.tar')*"
            @(Get-ChildItem $env:MOEPS_CACHE_PATH -Recurse -File) | Should -BeNullOrEmpty
        }
    }
}

Describe 'Export-Extractor and Import-Extractor' {
    BeforeAll { $script:Dir = New-TestFolder }
    AfterAll { Remove-Item -Recurse -Force $script:Dir }

    It 'round-trips mp_eform through a .moex bundle with identical predictions' {
        $path = Join-Path $script:Dir 'mp_eform.moex'
        $file = Get-Extractor mp_eform | Export-Extractor -Path $path
        $file.FullName | Should -Be $path
        $back = Import-Extractor -Path $path
        $back.Name | Should -Be 'mp_eform'
        $before = $script:Crystals | Invoke-PropertyPrediction -Model (Get-Extractor mp_eform) -Device cpu
        $after = $script:Crystals | Invoke-PropertyPrediction -Model $back -Device cpu
        $after.Predicted | Should -Be $before.Predicted
    }

    It 'refuses to overwrite without -Force, honours -WhatIf, overwrites with -Force' {
        $path = Join-Path $script:Dir 'twice.moex'
        $e = Get-Extractor jarvis_eform
        $e | Export-Extractor -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
        $e | Export-Extractor -Path $path | Out-Null
        $e | Export-Extractor -Path $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match '-Force'
        ($e | Export-Extractor -Path $path -Force).Name | Should -Be 'twice.moex'
    }

    It 'imports safetensors, PyTorch checkpoints and bundles from the pipeline' {
        $files = @(
            Get-Item (Join-Path $script:DataPath 'extractors/mp_bandgap.safetensors')
            Get-Item (Join-Path $script:DataPath 'extractors/pytorch/mp_bandgap.pth.tar')
        )
        $extractors = $files | Import-Extractor
        $extractors.Count | Should -Be 2
        $p = Invoke-PropertyPrediction -Model $extractors -Crystal $script:Crystals -Device cpu
        $p.Count | Should -Be 15
        $p | ForEach-Object { $_.StdDev | Should -Be 0 }
    }

    It 'reports a corrupt weight file as a non-terminating error and goes on' {
        $bad = Join-Path $script:Dir 'broken.safetensors'
        [IO.File]::WriteAllBytes($bad, [byte[]](1, 2, 3))
        $good = Join-Path $script:DataPath 'extractors/mp_kvrh.safetensors'
        $out = Import-Extractor -Path $bad, $good -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be 'mp_kvrh'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match 'ExtractorImportFailed'
        $err[0].Exception.Message | Should -Match 'broken.safetensors'
    }
}

Describe 'Invoke-PropertyPrediction and Get-CrystalFeature' {
    BeforeAll { $script:E = Get-Extractor mp_eform }

    It 'streams predictions that match the reference code' {
        $p = $script:Crystals | Invoke-PropertyPrediction -Model $script:E -Device cpu
        $p.Count | Should -Be 15
        foreach ($x in $p) {
            [math]::Abs($x.Predicted - $script:Expected[$x.Id]) | Should -BeLessThan 1e-4
            $x.Unit | Should -Be 'eV/atom'
            $x.Formula | Should -Not -BeNullOrEmpty
        }
    }

    It 'fills Actual and AbsoluteError from a dataset' {
        $entries = [System.Collections.Generic.List[MoePS.Engine.Crystals.CrystalEntry]]::new()
        foreach ($c in $script:Crystals) { $entries.Add([MoePS.Engine.Crystals.CrystalEntry]::new($c, 0.5, $null)) }
        $ds = [MoePS.Engine.Crystals.CrystalDataset]::new('golden', 'e_form', 'eV/atom', $entries, $null, $null)
        $p = Invoke-PropertyPrediction -Model $script:E -Dataset $ds -Device cpu
        $p.Count | Should -Be 15
        $p[0].Actual | Should -Be 0.5
        $p[0].AbsoluteError | Should -Be ([math]::Abs($p[0].Predicted - 0.5))
        ($p | Out-String -Width 120) | Should -Match 'AbsoluteError'
    }

    It 'gives 64-number features per crystal' {
        $f = $script:Crystals | Get-CrystalFeature -Extractor $script:E -Device cpu
        $f.Count | Should -Be 15
        $f[0].Feature.Length | Should -Be 64
        $f[0].Extractor | Should -Be 'mp_eform'
    }

    It 'rejects a crystal with an element the extractor lacks and predicts the rest' {
        $stream = @($script:Crystals[0], (New-OganessonCrystal), $script:Crystals[1])
        $p = $stream | Invoke-PropertyPrediction -Model $script:E -Device cpu -ErrorVariable err -ErrorAction SilentlyContinue
        $p.Count | Should -Be 2
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -Match "og-cube"
        $err[0].Exception.Message | Should -Match 'Og'
    }

    It 'refuses to average models of different properties' {
        { Invoke-PropertyPrediction -Model $script:E, (Get-Extractor mp_bandgap) -Crystal $script:Crystals[0] -ErrorAction Stop } |
            Should -Throw '*different properties*'
    }
}
