@{
    # The Az commands of the documented Azure Stack Edge workflows (connect, resource groups, storage and VHD upload,
    # template deployments, images/disks/NICs/VMs without a template, VM power, the GPU extension) as C# cmdlets of
    # AseGpu's own assembly: same session, same services, the caller's $ErrorActionPreference and common parameters
    # as with Az. Opt-in: Import-Module <AseGpu module folder>/AseGpu.AzCompat. Do not import with the real Az modules.
    # Their syntax (parameter sets, names, types, positions) is Az's: az-syntax.psd1 here, checked by
    # tests/pester/AzCompat.Syntax.Tests.ps1. The build stamps ModuleVersion with the crate's version.
    # No RootModule: the cmdlets come from the assembly AseGpu loads (NestedModules, the same file). PowerShell knows a
    # binary module by its file, so AseGpu is loaded first (by ScriptsToProcess, which also makes Az's aliases) and keeps
    # its name; this manifest then re-exports the Az cmdlets of the same, already loaded assembly (one module state).
    ScriptsToProcess     = @('AseGpu.AzCompat.Init.ps1')
    NestedModules        = @('../AseGpu.PowerShell.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '4a1f366c-f584-48f3-a1c8-b9755e1b973a'
    Author               = 'asegpu developers'
    CompanyName          = 'asegpu'
    Copyright            = '(c) asegpu developers. MIT License.'
    Description          = 'Az-named commands for Azure Stack Edge Pro GPU devices (Az.Accounts, Az.Resources, Az.Storage, Az.Compute and Az.Network of the 2020-09-01-hybrid profile, as the device documentation uses them) over the native asegpu library, so the documented Az scripts run unchanged. Do not import together with the real Az modules.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('AseGpu.AzCompat.format.ps1xml')
    CmdletsToExport      = @(
        'Add-AzEnvironment'
        'Get-AzEnvironment'
        'Set-AzEnvironment'
        'Connect-AzAccount'
        'Disconnect-AzAccount'
        'Get-AzContext'
        'Set-AzContext'
        'Get-AzSubscription'
        'New-AzResourceGroup'
        'Get-AzResourceGroup'
        'Remove-AzResourceGroup'
        'New-AzResourceGroupDeployment'
        'Get-AzResourceGroupDeployment'
        'New-AzStorageAccount'
        'Get-AzStorageAccount'
        'Get-AzStorageAccountKey'
        'New-AzStorageContext'
        'New-AzStorageContainer'
        'New-AzStorageAccountSASToken'
        'Set-AzStorageBlobContent'
        'Add-AzVhd'
        'New-AzDiskConfig'
        'New-AzDisk'
        'Get-AzDisk'
        'New-AzImageConfig'
        'Set-AzImageOsDisk'
        'New-AzImage'
        'Get-AzImage'
        'Get-AzVirtualNetwork'
        'New-AzNetworkInterfaceIpConfig'
        'New-AzNetworkInterface'
        'Get-AzNetworkInterface'
        'New-AzVMConfig'
        'Set-AzVMOperatingSystem'
        'Set-AzVMOSDisk'
        'Add-AzVMNetworkInterface'
        'Set-AzVMSourceImage'
        'New-AzVM'
        'Get-AzVM'
        'Start-AzVM'
        'Stop-AzVM'
        'Restart-AzVM'
        'Remove-AzVM'
        'Set-AzVMExtension'
        'Get-AzVMExtension'
        'Remove-AzVMExtension'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    # Az's aliases are made by ScriptsToProcess in the global scope (not module members).
    AliasesToExport      = @()
    FileList             = @('AseGpu.AzCompat.psd1', 'AseGpu.AzCompat.format.ps1xml', 'AseGpu.AzCompat.Init.ps1', 'az-syntax.psd1', 'en-US/AseGpu.PowerShell.dll-Help.xml')
    PrivateData          = @{
        PSData = @{
            Tags         = @('AzureStackEdge', 'Az', 'GPU', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            ReleaseNotes = 'C# cmdlets in the AseGpu assembly (no script module): storage accounts, keys, contexts, containers, account SAS, page-blob and Add-AzVhd uploads, disks, images, virtual networks, NICs, VM configs and New-AzVM, template deployments with the template''s parameters as dynamic parameters, Get-AzResourceGroupDeployment, contexts and subscriptions; the GPU preflight before New-AzVM and New-AzResourceGroupDeployment.'
        }
    }
}
