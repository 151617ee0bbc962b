BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Folder = New-TestFolder
    $script:Script = Join-Path $PSScriptRoot '../../examples/accuracy-table.ps1'

    # TEST FIXTURES, not measured results: hand-made runs shaped as examples/table3-fast.yaml and
    # examples/table3-tensornet.yaml write them (Fast preset), with numbers whose statistics are worked out below.
    $fast = 'epochs=200; patience=50'
    $paper18 = 'mp_eform', 'mp_bandgap', 'mp_gvrh', 'mp_kvrh', 'weighted_n_e_cond', 'weighted_p_e_cond', 'weighted_n_th_cond',
        'weighted_p_th_cond', 'p_Seebeck', 'n_Seebeck', 'n_avg_eff_mass', 'p_avg_eff_mass', 'castelli_eform', 'jarvis_eform',
        'jarvis_dielectric_opt', 'jarvis_bandgap', 'jarvis_gvrh', 'jarvis_kvrh'
    $nineteen = ($paper18 + 'tensornet_matpes_pbe') -join ','
    $variants = @{
        STL = @{ Method = 'STL'; Extractors = ''; TopK = $null; Settings = $fast }
        TL = @{ Method = 'TL'; Extractors = 'mp_eform'; TopK = $null; Settings = $fast }
        TLAdapt = @{ Method = 'TL'; Extractors = 'mp_eform'; TopK = $null; Settings = "$fast; frozenNormalization=Adapt" }
        MoE18 = @{ Method = 'MoE'; Extractors = $paper18 -join ','; TopK = 18; Settings = $fast }
        MoE18Probe = @{ Method = 'MoE'; Extractors = $paper18 -join ','; TopK = 4; Settings = "$fast; topK=4; gateStart=Probe" }
        TLTensorNet = @{ Method = 'TL'; Extractors = 'tensornet_matpes_pbe'; TopK = $null; Settings = "$fast; transferFrom=tensornet_matpes_pbe" }
        MoE19 = @{ Method = 'MoE'; Extractors = $nineteen; TopK = 19; Settings = "$fast; extractors=$nineteen" }
        MoE19Probe = @{ Method = 'MoE'; Extractors = $nineteen; TopK = 4; Settings = "$fast; topK=4; extractors=$nineteen; gateStart=Probe" }
        MoE19K1 = @{ Method = 'MoE'; Extractors = $nineteen; TopK = 1; Settings = "$fast; topK=1; extractors=$nineteen; gateStart=Probe" }
        MoE19K2 = @{ Method = 'MoE'; Extractors = $nineteen; TopK = 2; Settings = "$fast; topK=2; extractors=$nineteen; gateStart=Probe" }
        TLTensorNetTuned = @{ Method = 'TL'; Extractors = 'tensornet_matpes_pbe'; TopK = $null
            Settings = "$fast; transferFrom=tensornet_matpes_pbe; tensorNetLastBlock=FineTuned" }
        MoE19ProbeTuned = @{ Method = 'MoE'; Extractors = $nineteen; TopK = 4
            Settings = "$fast; topK=4; extractors=$nineteen; gateStart=Probe; tensorNetLastBlock=FineTuned" }
    }
    # One line per seed: test MAEs, and validation MAEs (0.7 when not given).
    function New-Runs([string] $Task, [string] $Unit, [string] $Variant, [double[]] $TestMAE, [double[]] $ValMAE) {
        $v = $variants[$Variant]
        for ($seed = 0; $seed -lt $TestMAE.Count; $seed++) {
            [ordered]@{
                Task = $Task; Method = $v.Method; Seed = $seed; Rows = 120; TestMAE = $TestMAE[$seed]
                ValMAE = if ($ValMAE) { $ValMAE[$seed] } else { 0.7 }; Unit = $Unit; BestEpoch = 10; Epochs = 60; Seconds = 1.0
                Device = 'cpu'; TopK = $v.TopK; Extractors = $v.Extractors; Split = "seed$seed.json[$Task]"; ConfigHash = "h-$Variant"
                Settings = $v.Settings; Finished = '2026-11-30T16:04:11+00:00'; GateScoreDictionary = @{}
            } | ConvertTo-Json -Compress
        }
    }
    $script:FastFile = Join-Path $Folder 'table3-fast.jsonl'
    Set-Content $FastFile -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_gap_tbmbj eV STL 1.0, 1.2, 1.4, 1.6, 1.8
        New-Runs jarvis_2d_gap_tbmbj eV TL 1.1, 1.1, 1.3, 1.3, 1.2 -ValMAE 0.5, 0.9, 0.5, 0.9, 0.5
        New-Runs jarvis_2d_gap_tbmbj eV MoE18 0.9, 1.2, 1.0, 1.5, 1.0
        # Not columns of the table: TL with another normalisation, MoE-18 probe-started at k = 4.
        New-Runs jarvis_2d_gap_tbmbj eV TLAdapt 0.1, 0.1, 0.1, 0.1, 0.1
        New-Runs jarvis_2d_gap_tbmbj eV MoE18Probe 0.1, 0.1, 0.1, 0.1, 0.1 -ValMAE 0.1, 0.1, 0.1, 0.1, 0.1
        New-Runs jarvis_2d_eform eV/atom STL 0.14, 0.15, 0.16, 0.15, 0.15
        New-Runs jarvis_2d_eform eV/atom TL 0.08, 0.09, 0.10
    )
    $script:TensorNetFile = Join-Path $Folder 'table3-tensornet.jsonl'
    Set-Content $TensorNetFile -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_gap_tbmbj eV TLTensorNet 1.0, 1.0, 1.0, 1.0, 1.4
        New-Runs jarvis_2d_gap_tbmbj eV MoE19 0.8, 0.9, 1.0, 1.1, 1.3
        New-Runs jarvis_2d_gap_tbmbj eV MoE19Probe 0.95, 1.25
        New-Runs jarvis_2d_eform eV/atom TLTensorNet 0.07
    )
    $script:Table = @(& $Script -ResultPath $FastFile -TensorNetResultPath $TensorNetFile)
    # All four candidates of the frozen rule on five seeds of one task: validation keeps TL (0.5), TL from TensorNet (0.4),
    # MoE-19 (0.6), MoE-19 (0.6), MoE-18 (0.7).
    $script:CompleteFast = Join-Path $Folder 'complete-fast.jsonl'
    Set-Content $CompleteFast -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_exfoliation meV/atom STL 60, 65, 55, 50, 58
        New-Runs jarvis_2d_exfoliation meV/atom TL 50, 60, 55, 45, 52 -ValMAE 0.5, 0.9, 0.9, 0.9, 0.9
        New-Runs jarvis_2d_exfoliation meV/atom MoE18 48, 55, 49, 47, 51
    )
    $script:CompleteTensorNet = Join-Path $Folder 'complete-tensornet.jsonl'
    Set-Content $CompleteTensorNet -Encoding utf8NoBOM -Value @(
        New-Runs jarvis_2d_exfoliation meV/atom TLTensorNet 40, 58, 50, 44, 60 -ValMAE 0.8, 0.4, 0.9, 0.9, 0.9
        New-Runs jarvis_2d_exfoliation meV/atom MoE19Probe 45, 62, 47, 40, 50 -ValMAE 0.8, 0.8, 0.6, 0.6, 0.8
    )
    $script:Complete = @(& $Script -ResultPath $CompleteFast -TensorNetResultPath $CompleteTensorNet)
    # The same with MoE-19 at k = 1 and 2 beside k = 4: validation keeps k = 1, 2, 2 (a tie of 2 and 4 on seed 3 goes to 2),
    # 2 and 1 (a tie of 1 and 4).
    $script:CompleteK = Join-Path $Folder 'complete-k.jsonl'
    Set-Content $CompleteK -Encoding utf8NoBOM -Value @(
        Get-Content $CompleteTensorNet
        New-Runs jarvis_2d_exfoliation meV/atom MoE19K1 44, 70, 52, 41, 49 -ValMAE 0.7, 0.9, 0.6, 0.9, 0.8
        New-Runs jarvis_2d_exfoliation meV/atom MoE19K2 46, 50, 60, 39, 48 -ValMAE 0.9, 0.7, 0.5, 0.6, 0.9
    )
    $script:WithK = @(& $Script -ResultPath $CompleteFast -TensorNetResultPath $CompleteK)
    # The same with TL from TensorNet (five seeds) and MoE-19 k = 4 probe (three) with TensorNet's last block fine-tuned.
    $script:CompleteTuned = Join-Path $Folder 'complete-tuned.jsonl'
    Set-Content $CompleteTuned -Encoding utf8NoBOM -Value @(
        Get-Content $CompleteK
        New-Runs jarvis_2d_exfoliation meV/atom TLTensorNetTuned 38, 50, 52, 42, 45
        New-Runs jarvis_2d_exfoliation meV/atom MoE19ProbeTuned 44, 60, 47
    )
    $script:WithTuned = @(& $Script -ResultPath $CompleteFast -TensorNetResultPath $CompleteTuned)
    $script:FastOnly = @(& $Script -ResultPath $FastFile -TensorNetResultPath (Join-Path $Folder 'none.jsonl'))
}

AfterAll { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }

Describe 'examples/accuracy-table.ps1' {
    It 'writes one row per task of examples/table3-fast.yaml, in its order, under README''s header' {
        $FastOnly[0] | Should -Be ('| task | unit | STL | TL | MoE-18 | default | MoE-18 wins vs TL / STL | default wins vs TL / STL | ' +
            'paper STL / TL / MoE-18 | MoMa (Full) |')
        $FastOnly.Count | Should -Be 18 -Because 'a header, a rule and 16 tasks; no TensorNet table without its runs'
        $FastOnly[2] | Should -BeLike '| jarvis_2d_gap_tbmbj |*'
        $FastOnly[17] | Should -BeLike '| mp_dielectric |*'
    }

    It 'gives mean ± sample std and paired wins of STL, TL from mp_eform and MoE-18 with the paper''s gate' {
        # STL 1.4 ± √(0.4/4); TL 1.2 ± 0.1; MoE-18 1.12 ± √(0.228/4), beating TL on seeds 0, 2, 4 and STL on 0, 2, 3, 4 (a tie
        # on seed 1). The Adapt TL and the probe-started k = 4 mixture are left out, though better; no default without its
        # TensorNet candidates. No MoMa value on this task.
        $FastOnly[2] | Should -Be ('| jarvis_2d_gap_tbmbj | eV | 1.4 ± 0.316 | 1.2 ± 0.1 | 1.12 ± 0.239 | – | 3/5 / 4/5 | – / – | ' +
            '1.31 ± 0.29 / 1.77 ± 0.38 / 1.19 ± 0.26 | – |')
    }

    It 'gives the default beside them: per seed the validated best of its four candidates, on the seeds all four ran' {
        # STL 57.6 ± √(125.2/4), TL 52.4 ± √(125.2/4), MoE-18 50 ± √(40/4) (below TL on all seeds but 3, below STL on all);
        # the default, as the last test keeps it, 50.7 on three seeds, below TL on two and STL on three.
        $WithTuned[0] | Should -Be $FastOnly[0]
        $WithTuned | Should -Contain ('| jarvis_2d_exfoliation | meV/atom | 57.6 ± 5.59 | 52.4 ± 5.59 | 50 ± 3.16 | 50.7 (3/5) | 4/5 / 5/5 | ' +
            '2/3 / 3/3 | 62.0 ± 13.6 / 60.4 ± 9.5 / 53.6 ± 10.5 | 36.3 |')
    }

    It 'marks a method with fewer seeds, one not run, and a task not run, with the paper''s and MoMa''s values' {
        $FastOnly | Should -Contain ('| jarvis_2d_eform | eV/atom | 0.15 ± 0.00707 | 0.09 (3/5) | – | – | – / – | – / – | ' +
            '0.165 ± 0.024 / 0.146 ± 0.021 / 0.145 ± 0.011 | 0.0495 |')
        $FastOnly | Should -Contain '| mp_dielectric | | not run yet | | | | | | 0.0860 ± 0.0131 / 0.0869 ± 0.0106 / 0.0823 ± 0.0108 | 0.0523 |'
    }

    It 'adds the TensorNet table: each run set against MoE-18 and TL from mp_eform, seed by seed, and the wins over all tasks' {
        $Table[0..17] | Should -Be $FastOnly
        $Table[18] | Should -Be ''
        $Table[19] | Should -Be '| task | unit | TL from TensorNet | wins vs MoE-18 / TL | MoE-19 (k = 19) | wins vs MoE-18 / TL | MoE-19 (k = 4, probe) | wins vs MoE-18 / TL |'
        # TL from TensorNet 1.08 ± √(0.128/4): better than MoE-18 on seeds 1 and 3, than TL on 0-3; MoE-19 1.02 ± √(0.148/4): than
        # MoE-18 on 0, 1, 3 and TL on 0-3; MoE-19 k = 4 probe on seeds 0 and 1: 1.1, better than TL on seed 0 only.
        $Table | Should -Contain '| jarvis_2d_gap_tbmbj | eV | 1.08 ± 0.179 | 2/5 / 4/5 | 1.02 ± 0.192 | 3/5 / 4/5 | 1.1 (2/5) | 0/2 / 1/2 |'
        $Table | Should -Contain '| jarvis_2d_eform | eV/atom | 0.07 (1/5) | – / 1/1 | – | – / – | – | – / – |'
        $Table | Should -Contain '| mp_dielectric | | not run yet | | | | | |'
        $Table[37] | Should -Be '| all tasks | | | 2/5 / 5/6 | | 3/5 / 4/5 | | 0/2 / 1/2 |'
    }

    It 'adds the frozen rule: per seed the candidate with the lowest validation MAE, a tie to the earlier candidate' {
        # jarvis_2d_gap_tbmbj, seeds 0 and 1 (MoE-19 ran two): TL by 0.5 on seed 0 (1.1); on seed 1 TL from TensorNet, MoE-18 and
        # MoE-19 tie at 0.7 and TL from TensorNet, the earlier, is kept (1.0): a win over TL, STL and MoE-18 on seed 1 only.
        $Table[38] | Should -Be ''
        $Table[39] | Should -Be '| task | unit | frozen rule: the validated best of TL, TL from TensorNet, MoE-18, MoE-19 (k = 4, probe) | kept, by seed | wins vs TL / STL / MoE-18 | ≤ paper MoE-18 |'
        $Table[41] | Should -Be '| jarvis_2d_gap_tbmbj | eV | 1.05 (2/5) | TL, TN | 1/2 / 1/2 / 1/2 | – |'
        $Table[-1] | Should -Be '| all tasks | | | | 1/2 / 1/2 / 1/2 | 0 of 0 |'
        $Table.Count | Should -Be 43
    }

    It 'gives the frozen rule''s mean ± sample std over five seeds, its paired wins and whether it is at or below the paper''s MoE-18' {
        # Kept 50, 58, 47, 40, 51: 49.2 ± √(170.8/4); below TL on seeds 1-4 (a tie on 0), STL on all, MoE-18 on 2 and 3; the
        # paper's MoE-18 is 53.6.
        $Complete | Should -Contain '| jarvis_2d_exfoliation | meV/atom | 49.2 ± 6.53 | TL, TN, M19, M19, M18 | 4/5 / 5/5 / 2/5 | yes |'
        $Complete[-1] | Should -Be '| all tasks | | | | 4/5 / 5/5 / 2/5 | 1 of 1 |'
    }

    It 'adds MoE-19 with k chosen per seed by validation among 1, 2 and 4, a tie to the smaller k, against MoE-18, TL and k = 4' {
        # k = 1 51.2 ± √(514.8/4), k = 2 48.6 ± √(231.2/4), k = 4 48.8 ± √(270.8/4); kept 44, 50, 60, 39, 49: 48.4 ± √(245.2/4),
        # better than MoE-18 (48, 55, 49, 47, 51), TL (50, 60, 55, 45, 52) and k = 4 on all seeds but 2.
        $WithK[0..($Complete.Count - 1)] | Should -Be $Complete
        $WithK[$Complete.Count] | Should -Be ''
        $WithK[$Complete.Count + 1] | Should -Be '| task | unit | MoE-19 (probe), k = 1 | k = 2 | k = 4 | k by validation | k kept, by seed | wins vs MoE-18 / TL / k = 4 |'
        $WithK | Should -Contain '| jarvis_2d_exfoliation | meV/atom | 51.2 ± 11.3 | 48.6 ± 7.6 | 48.8 ± 8.23 | 48.4 ± 7.83 | 1, 2, 2, 2, 1 | 4/5 / 4/5 / 4/5 |'
        $WithK[-1] | Should -Be '| all tasks | | | | | | | 4/5 / 4/5 / 4/5 |'
    }

    It 'adds TensorNet''s last block fine-tuned: TL from TensorNet and MoE-19 k = 4 against themselves frozen, MoE-18 and TL' {
        # TL 45.4 ± √(131.2/4), below its frozen self (40, 58, 50, 44, 60) and MoE-18 on all seeds but 2, below TL on all; MoE-19
        # on three seeds 50.3, below its frozen self (45, 62, 47; a tie on seed 2), MoE-18 and TL on two. The runs stay out of
        # the other tables, but for the first one's default column (tested above).
        $WithTuned[18..($WithK.Count - 1)] | Should -Be $WithK[18..($WithK.Count - 1)]
        $WithTuned[$WithK.Count] | Should -Be ''
        $WithTuned[$WithK.Count + 1] | Should -Be ('| task | unit | TL from TensorNet, last block fine-tuned | wins vs frozen / MoE-18 / TL | ' +
            'MoE-19 (k = 4, probe), last block fine-tuned | wins vs frozen / MoE-18 / TL |')
        $WithTuned | Should -Contain '| jarvis_2d_exfoliation | meV/atom | 45.4 ± 5.73 | 4/5 / 4/5 / 5/5 | 50.3 (3/5) | 2/3 / 2/3 / 2/3 |'
        $WithTuned | Should -Contain '| jarvis_2d_gap_tbmbj | | not run yet | | | |'
        $WithTuned[$WithK.Count + 19] | Should -Be '| all tasks | | | 4/5 / 4/5 / 5/5 | | 2/3 / 2/3 / 2/3 |'
    }

    It 'adds the default: per seed the validated best of TL, TL from TensorNet fine-tuned, MoE-18 and MoE-19 k = 4 fine-tuned' {
        # On the three seeds all four ran, validation keeps TL (0.5), then TL from TensorNet fine-tuned on the ties of 0.7
        # (the earlier candidate): 50, 50, 52, mean 50.7; below TL on seeds 1 and 2, STL on all three, MoE-18 on seed 1 only.
        $start = $WithK.Count + 20
        $WithTuned[$start] | Should -Be ''
        $WithTuned[$start + 1] | Should -Be ('| task | unit | default: the validated best of TL, TL from TensorNet fine-tuned, MoE-18, ' +
            'MoE-19 (k = 4, probe) fine-tuned | kept, by seed | wins vs TL / STL / MoE-18 | ≤ paper MoE-18 |')
        $WithTuned[$start + 3] | Should -Be '| jarvis_2d_exfoliation | meV/atom | 50.7 (3/5) | TL, TNft, TNft | 2/3 / 3/3 / 1/3 | – |'
        $WithTuned[$start + 4] | Should -Be '| all tasks | | | | 2/3 / 3/3 / 1/3 | 0 of 0 |'
        $WithTuned.Count | Should -Be ($start + 5)
        $WithK | Should -Not -Contain ($WithTuned[$start + 1]) -Because 'without fine-tuned runs there is no such table'
    }
}
