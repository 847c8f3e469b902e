# Run by the manifest (ScriptsToProcess) in the importer's scope, before the cmdlets are loaded.
#
# 1. AseGpu first: AseGpu.AzCompat's cmdlets live in AseGpu's assembly (NestedModules = the same dll), and PowerShell
#    knows a binary module by its file: whichever manifest loads the dll first owns it. Loading AseGpu here (from the
#    folder above; Windows PowerShell 5.1 resolves a relative RequiredModules path from the current directory, so that
#    is not used) keeps AseGpu the module of its own cmdlets, and AseGpu.AzCompat re-exports the Az ones.
if (-not (Get-Module -Name AseGpu)) {
    Import-Module -Name (Join-Path (Split-Path -Parent $PSScriptRoot) 'AseGpu.psd1') -Global -ErrorAction Stop
}

# 2. The aliases Az.Accounts defines (Login-AzAccount, Add-AzAccount, Logout-AzAccount, Select-AzSubscription). Made here,
#    not with [Alias] on the cmdlet classes: those classes are in AseGpu.PowerShell.dll, and aliases declared there would
#    come with Import-Module AseGpu alone, next to the real Az modules. Global (so Remove-Module leaves them).
Set-Alias -Name Login-AzAccount -Value Connect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Add-AzAccount -Value Connect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Logout-AzAccount -Value Disconnect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Select-AzSubscription -Value Set-AzContext -Scope Global -Option AllScope -Force
