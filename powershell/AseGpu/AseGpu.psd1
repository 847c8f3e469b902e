@{
    RootModule           = 'AseGpu.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '60929ecd-0f47-4b98-899e-299c26a22891'
    Author               = 'asegpu developers'
    CompanyName          = 'asegpu'
    Copyright            = '(c) asegpu developers. MIT License.'
    Description          = 'Deploy GPU VMs on Azure Stack Edge Pro GPU devices through their local Azure Resource Manager (native asegpu library).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FunctionsToExport    = @(
        'Connect-AseDevice'
        'Disconnect-AseDevice'
        'Get-AseContext'
        'New-AseResourceGroup'
        'Get-AseResourceGroup'
        'Remove-AseResourceGroup'
        'Get-AseGpuAvailability'
        'Test-AseGpuDeployment'
        'New-AseResourceGroupDeployment'
        'New-AseGpuVM'
        'Get-AseVM'
        'Start-AseVM'
        'Stop-AseVM'
        'Restart-AseVM'
        'Remove-AseVM'
        'Install-AseGpuExtension'
        'Get-AseVMExtension'
        'Remove-AseVMExtension'
        'Suspend-AseGpuVMsForUpdate'
        'Resume-AseGpuVMsAfterUpdate'
        'Test-AseVhd'
        'Send-AseVhd'
        'New-AseImage'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('AseGpu.format.ps1xml')
    FileList             = @('AseGpu.psd1', 'AseGpu.psm1', 'AseGpu.format.ps1xml', 'AseGpu.Interop.dll')
    PrivateData          = @{
        PSData = @{
            Tags         = @('AzureStackEdge', 'GPU', 'ARM', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            ReleaseNotes = 'Sessions and resource groups; GPU availability and preflight, template deployments, GPU VMs and their power states, the GPU extension, the device-update helper, VHD upload and images.'
        }
    }
}
