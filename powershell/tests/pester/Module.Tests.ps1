# The packaged modules themselves: what they export, help, the native library, ShouldProcess, and the
# state before any connection.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
}

Describe 'Module: the packaged AseGpu and AseGpu.AzCompat' {
    BeforeAll {
        $aseCommands = @('Connect-AseDevice', 'Disconnect-AseDevice', 'Get-AseContext', 'Get-AseGpuAvailability', 'Get-AseResourceGroup',
            'Get-AseVM', 'Get-AseVMExtension', 'Install-AseGpuExtension', 'New-AseGpuVM', 'New-AseImage', 'New-AseResourceGroup',
            'New-AseResourceGroupDeployment', 'Remove-AseResourceGroup', 'Remove-AseVM', 'Remove-AseVMExtension', 'Restart-AseVM',
            'Resume-AseGpuVMsAfterUpdate', 'Send-AseVhd', 'Start-AseVM', 'Stop-AseVM', 'Suspend-AseGpuVMsForUpdate',
            'Test-AseGpuDeployment', 'Test-AseVhd')
        $azCommands = @('Add-AzEnvironment', 'Connect-AzAccount', 'Get-AzResourceGroup', 'Get-AzVM', 'Get-AzVMExtension',
            'New-AzResourceGroup', 'New-AzResourceGroupDeployment', 'Remove-AzResourceGroup', 'Remove-AzVM', 'Remove-AzVMExtension',
            'Set-AzVMExtension', 'Start-AzVM', 'Stop-AzVM')
    }

    It 'is imported from the packaged folder' {
        (Get-Module AseGpu).ModuleBase | Should -Be (Resolve-Path (Get-AseTestModuleDir)).ProviderPath
        (Get-Module AseGpu.AzCompat).ModuleBase | Should -BeLike ((Resolve-Path (Get-AseTestModuleDir)).ProviderPath + '*')
    }

    It 'AseGpu exports exactly the 23 documented commands' {
        @(Get-Command -Module AseGpu -CommandType Cmdlet, Function).Name | Sort-Object | Should -Be ($aseCommands | Sort-Object)
    }

    It 'AseGpu.AzCompat exports the 13 Az commands of the documented workflow, and only Az-named commands' {
        $names = @(Get-Command -Module AseGpu.AzCompat -CommandType Cmdlet, Function).Name
        foreach ($n in $azCommands) { $names | Should -Contain $n }
        $names | Where-Object { $_ -notlike '*-Az*' } | Should -BeNullOrEmpty
    }

    It 'every alias the modules export resolves to one of their commands' {
        foreach ($alias in @(Get-Command -Module AseGpu, AseGpu.AzCompat -CommandType Alias)) {
            $alias.ResolvedCommand | Should -Not -BeNullOrEmpty -Because "alias $($alias.Name) must resolve"
            ($aseCommands + $azCommands) | Should -Contain $alias.ResolvedCommand.Name -Because "alias $($alias.Name) -> $($alias.Definition)"
        }
    }

    It '<_> has help with a synopsis and an example' -ForEach @(
        'Connect-AseDevice', 'Disconnect-AseDevice', 'Get-AseContext', 'Get-AseGpuAvailability', 'Get-AseResourceGroup', 'Get-AseVM',
        'Get-AseVMExtension', 'Install-AseGpuExtension', 'New-AseGpuVM', 'New-AseImage', 'New-AseResourceGroup', 'New-AseResourceGroupDeployment',
        'Remove-AseResourceGroup', 'Remove-AseVM', 'Remove-AseVMExtension', 'Restart-AseVM', 'Resume-AseGpuVMsAfterUpdate', 'Send-AseVhd',
        'Start-AseVM', 'Stop-AseVM', 'Suspend-AseGpuVMsForUpdate', 'Test-AseGpuDeployment', 'Test-AseVhd',
        'Add-AzEnvironment', 'Connect-AzAccount', 'Get-AzResourceGroup', 'Get-AzVM', 'Get-AzVMExtension', 'New-AzResourceGroup',
        'New-AzResourceGroupDeployment', 'Remove-AzResourceGroup', 'Remove-AzVM', 'Remove-AzVMExtension', 'Set-AzVMExtension', 'Start-AzVM', 'Stop-AzVM'
    ) {
        $help = Get-Help $_ -Full
        [string]$help.Synopsis | Should -Not -BeLike "$_*"   # an auto-generated synopsis is the syntax line
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It '<_> supports -WhatIf and -Confirm' -ForEach @(
        'New-AseResourceGroup', 'Remove-AseResourceGroup', 'New-AseResourceGroupDeployment', 'New-AseGpuVM',
        'Start-AseVM', 'Stop-AseVM', 'Restart-AseVM', 'Remove-AseVM', 'Install-AseGpuExtension', 'Remove-AseVMExtension',
        'Suspend-AseGpuVMsForUpdate', 'Resume-AseGpuVMsAfterUpdate', 'Send-AseVhd', 'New-AseImage',
        'Add-AzEnvironment', 'Connect-AzAccount', 'New-AzResourceGroup', 'Remove-AzResourceGroup', 'New-AzResourceGroupDeployment',
        'Start-AzVM', 'Stop-AzVM', 'Remove-AzVM', 'Set-AzVMExtension', 'Remove-AzVMExtension'
    ) {
        $parameters = (Get-Command $_).Parameters
        $parameters.ContainsKey('WhatIf') | Should -BeTrue
        $parameters.ContainsKey('Confirm') | Should -BeTrue
    }

    It '<_> asks before it destroys or stops (ConfirmImpact High)' -ForEach @(
        'Remove-AseResourceGroup', 'Remove-AseVM', 'Stop-AseVM', 'Remove-AseVMExtension', 'Suspend-AseGpuVMsForUpdate',
        'Remove-AzResourceGroup', 'Remove-AzVM', 'Stop-AzVM', 'Remove-AzVMExtension'
    ) {
        $command = Get-Command $_
        if ($command.CommandType -eq 'Cmdlet') {
            $binding = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
        }
        else {
            $binding = $command.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] } | Select-Object -First 1
        }
        [string]$binding.ConfirmImpact | Should -Be 'High'
    }

    It '<Command> -<Parameter> binds from the pipeline by property name' -ForEach @(
        @{ Command = 'Remove-AseResourceGroup'; Parameter = 'Name' }
        @{ Command = 'Stop-AseVM'; Parameter = 'Name' }
        @{ Command = 'Stop-AseVM'; Parameter = 'ResourceGroupName' }
        @{ Command = 'Install-AseGpuExtension'; Parameter = 'VMName' }
        @{ Command = 'Remove-AseVMExtension'; Parameter = 'Name' }
        @{ Command = 'Test-AseVhd'; Parameter = 'Path' }
        @{ Command = 'Remove-AzResourceGroup'; Parameter = 'Name' }
        @{ Command = 'Start-AzVM'; Parameter = 'Name' }
        @{ Command = 'New-AzResourceGroupDeployment'; Parameter = 'ResourceGroupName' }
    ) {
        $attributes = (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        @($attributes.ValueFromPipelineByPropertyName) | Should -Contain $true
    }

    It 'loads the native library from runtimes/<rid>/native with the ABI version the binding expects' {
        [AseGpu.AseNative]::AbiVersion | Should -Be ([AseGpu.AseNative]::BindingAbiVersion)
        [AseGpu.AseNative]::LibraryPath | Should -BeLike '*runtimes*native*'
    }

    Context 'before Connect-AseDevice' {
        BeforeAll { Disconnect-AseDevice }

        It 'Get-AseContext returns nothing' {
            Get-AseContext | Should -BeNullOrEmpty
        }

        It '<_> fails with NotConnected (ConnectionError)' -ForEach @('Get-AseResourceGroup', 'Get-AseVM', 'Get-AseGpuAvailability', 'Get-AzVM', 'Get-AzResourceGroup') {
            $command = $_
            $err = Get-AseTestError { & $command -ErrorAction Stop }
            Assert-AseError $err -Status NotConnected -Category ConnectionError
        }
    }
}
