@{
    RootModule           = 'AseGpu.AzCompat.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '4a1f366c-f584-48f3-a1c8-b9755e1b973a'
    Author               = 'asegpu developers'
    CompanyName          = 'asegpu'
    Copyright            = '(c) asegpu developers. MIT License.'
    Description          = 'Opt-in Az-named commands (Add-AzEnvironment, Connect-AzAccount, *-AzResourceGroup, New-AzResourceGroupDeployment, *-AzVM, *-AzVMExtension) mapped onto AseGpu, so Azure Stack Edge scripts written for Az run unchanged. Do not import together with the real Az modules.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Add-AzEnvironment'
        'Connect-AzAccount'
        'New-AzResourceGroup'
        'Get-AzResourceGroup'
        'Remove-AzResourceGroup'
        'New-AzResourceGroupDeployment'
        'Get-AzVM'
        'Start-AzVM'
        'Stop-AzVM'
        'Remove-AzVM'
        'Set-AzVMExtension'
        'Get-AzVMExtension'
        'Remove-AzVMExtension'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('AzureStackEdge', 'Az', 'PSEdition_Desktop', 'PSEdition_Core')
        }
    }
}
