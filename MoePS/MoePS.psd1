@{
    RootModule        = 'MoePS.Cmdlets.dll'
    ModuleVersion     = '0.1.0'
    GUID              = '6f0f7d8e-4c1e-4b7a-9a55-2f4f1c3d9e21'
    Author            = 'the MoePS authors'
    Copyright         = '(c) 2026 the MoePS authors. MIT License.'
    Description       = 'Predict crystal properties on small datasets with a sparse mixture of pre-trained CGCNN experts (Chang, Wang & Ertekin, npj Comput. Mater. 2022), on CPU or CUDA.'
    PowerShellVersion = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess  = @('MoePS.Format.ps1xml')
    CmdletsToExport   = @(
        'Import-CrystalDataset', 'Import-Crystal', 'Split-CrystalDataset', 'New-CrystalDataset', 'Export-CrystalDataset',
        'Get-MoeDevice',
        'Import-Extractor', 'Export-Extractor', 'Get-Extractor', 'Get-CrystalFeature',
        'Start-ExtractorPretrain',
        'New-MixtureModel', 'Start-MixtureTraining', 'Get-ExtractorScore',
        'Invoke-PropertyPrediction', 'Save-MixtureModel', 'Import-MixtureModel',
        'Invoke-MoeBenchmark', 'Measure-MoeBenchmark', 'Measure-ValidatedChoice', 'Export-MoeReport', 'Measure-TaskShift',
        'Get-MoeSlurmJob'
    )
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
    PrivateData       = @{
        PSData = @{
            Tags       = @('materials', 'machine-learning', 'cgcnn', 'mixture-of-experts', 'torch')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
