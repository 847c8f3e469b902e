@{
    # A binary module: the cmdlets are C# (AseGpu.PowerShell.dll, netstandard2.0 against PowerShell
    # Standard 5.1), one assembly for Windows PowerShell 5.1 and PowerShell 7. The build stamps
    # ModuleVersion with the crate's version (Cargo.toml).
    RootModule           = 'AseGpu.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '60929ecd-0f47-4b98-899e-299c26a22891'
    Author               = 'asegpu developers'
    CompanyName          = 'asegpu'
    Copyright            = '(c) asegpu developers. MIT License.'
    Description          = 'Deploy GPU VMs on Azure Stack Edge Pro GPU devices through their local Azure Resource Manager (native asegpu library).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    # The binding, loaded first; it finds the native library in runtimes/<rid>/native/ beside itself.
    RequiredAssemblies   = @('AseGpu.Interop.dll')
    CmdletsToExport      = @(
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
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('AseGpu.format.ps1xml')
    FileList             = @('AseGpu.psd1', 'AseGpu.format.ps1xml', 'AseGpu.PowerShell.dll', 'AseGpu.Interop.dll', 'en-US/AseGpu.PowerShell.dll-Help.xml')
    PrivateData          = @{
        PSData = @{
            Tags         = @('AzureStackEdge', 'GPU', 'ARM', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            ReleaseNotes = 'A binary module (C# cmdlets): -AsJob without ThreadJob, Stop-Job and Ctrl+C cancel the device operation, errors with the status as their id, pipeline input from Get-AseVM and Get-AseResourceGroup.'
        }
    }
}
