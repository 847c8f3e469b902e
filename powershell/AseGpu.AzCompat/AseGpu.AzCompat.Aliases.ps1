# The aliases Az.Accounts defines (Login-AzAccount, Add-AzAccount, Logout-AzAccount, Select-AzSubscription).
# They are made here, by the manifest's ScriptsToProcess, and not with [Alias] on the cmdlet classes: the classes live
# in AseGpu.PowerShell.dll, and aliases declared there would come with Import-Module AseGpu alone, next to the real
# Az modules. Made in the global scope (ScriptsToProcess runs in the importer's scope), so Remove-Module leaves them.
Set-Alias -Name Login-AzAccount -Value Connect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Add-AzAccount -Value Connect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Logout-AzAccount -Value Disconnect-AzAccount -Scope Global -Option AllScope -Force
Set-Alias -Name Select-AzSubscription -Value Set-AzContext -Scope Global -Option AllScope -Force
