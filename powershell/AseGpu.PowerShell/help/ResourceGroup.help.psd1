# Help of New-, Get-, Remove-AseResourceGroup (see Build-AseHelp.ps1).
@{
    'New-AseResourceGroup'    = @{
        Synopsis    = 'Creates (or with -Force updates) a resource group on the device.'
        Description = @'
Creates the group in DBELocal (the only location a device has). When the group exists already, asks whether
to update it (its tags), unless -Force; in a session that cannot prompt that is an error that says to pass
-Force. -WhatIf only says what would be done and never asks.
'@
        Parameters  = @{
            Name     = 'The resource group name (alias ResourceGroupName). From the pipeline: strings, or objects with a Name/ResourceGroupName property.'
            Location = 'Always DBELocal on a device (the default).'
            Tag      = 'Tags as a hashtable (alias Tags).'
            Force    = 'Update an existing group without asking.'
        }
        Examples    = @(
            @{ Code = 'New-AseResourceGroup -Name myasegpurg -Location DBELocal'; Remarks = '' }
            @{ Code = 'New-AseResourceGroup myasegpurg -Tag @{ owner = ''ml-team'' } -Force'; Remarks = 'Creates the group, or updates its tags if it exists.' }
            @{ Code = '''rg-a'', ''rg-b'' | New-AseResourceGroup -WhatIf'; Remarks = 'Says what would be created.' }
        )
        Outputs     = 'AseGpu.AseResourceGroup (ResourceGroupName, Location, ProvisioningState, Tags, ResourceId).'
        Links       = @('Get-AseResourceGroup', 'Remove-AseResourceGroup')
    }
    'Get-AseResourceGroup'    = @{
        Synopsis    = 'Gets resource groups: all of them, one by name, or those matching a wildcard.'
        Description = 'Without -Name, every group of the device. An exact name that does not exist is a NotFound error; a wildcard pattern that matches nothing outputs nothing.'
        Parameters  = @{
            Name     = 'A name or wildcard pattern (alias ResourceGroupName). All groups when omitted.'
            Location = 'Only groups in this location.'
        }
        Wildcards   = @('Name')
        Examples    = @(
            @{ Code = 'Get-AseResourceGroup'; Remarks = '' }
            @{ Code = 'Get-AseResourceGroup -Name myasegpurg'; Remarks = '' }
            @{ Code = 'Get-AseResourceGroup -Name ''ml-*'' | Remove-AseResourceGroup -Force'; Remarks = 'Deletes every group whose name starts with ml-.' }
            @{ Code = 'Get-AseResourceGroup -Name myasegpurg | Get-AseVM'; Remarks = 'The VMs of a group.' }
        )
        Outputs     = 'AseGpu.AseResourceGroup'
        Links       = @('New-AseResourceGroup', 'Remove-AseResourceGroup')
    }
    'Remove-AseResourceGroup' = @{
        Synopsis    = 'Deletes a resource group and everything in it.'
        Description = @'
A long-running operation: progress is shown, Ctrl+C stops waiting and cancels the call (the deletion goes on
on the device once accepted). Asks for confirmation unless -Force or -Confirm:$false.
'@
        Parameters  = @{
            Name     = 'The resource group name (alias ResourceGroupName); from the pipeline as strings or by property name (Get-AseResourceGroup output).'
            Force    = 'Do not ask for confirmation.'
            PassThru = 'Output $true when the group was deleted.'
        }
        Examples    = @(
            @{ Code = 'Remove-AseResourceGroup -Name myasegpurg'; Remarks = 'Asks first.' }
            @{ Code = 'Get-AseResourceGroup -Name ''test-*'' | Remove-AseResourceGroup -Force'; Remarks = '' }
            @{ Code = '$job = Remove-AseResourceGroup -Name myasegpurg -Force -AsJob; $job | Wait-Job | Receive-Job'; Remarks = 'The job outputs $true when the group is gone; Receive-Job writes the error when it failed.' }
        )
        Outputs     = 'None, or $true with -PassThru.'
        Links       = @('Get-AseResourceGroup')
    }
}
