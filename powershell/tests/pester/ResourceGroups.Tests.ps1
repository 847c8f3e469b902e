# New-AseResourceGroup, Get-AseResourceGroup, Remove-AseResourceGroup.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Resource groups: New-AseResourceGroup, Get-AseResourceGroup, Remove-AseResourceGroup' {
    It 'creates a group with tags, gets it by name, by wildcard and in the list' {
        $name = New-AseTestName 'pester-rg'
        $group = New-AseResourceGroup -Name $name -Tag @{ owner = 'pester' } -ErrorAction Stop
        $AseTestGroups.Add($name)
        $group.ResourceGroupName | Should -Be $name
        $group.ProvisioningState | Should -Be 'Succeeded'
        $group.Location | Should -Be 'dbelocal'
        $group.Tags['owner'] | Should -Be 'pester'
        (Get-AseResourceGroup -Name $name).ResourceId | Should -Be $group.ResourceId
        @(Get-AseResourceGroup -Name 'pester-rg-*').ResourceGroupName | Should -Contain $name
    }

    It 'Get-AseResourceGroup without arguments lists every group (ASERG included)' {
        $name = New-AseTestResourceGroup 'pester-list'
        $all = @(Get-AseResourceGroup -ErrorAction Stop)
        $all.ResourceGroupName | Should -Contain 'ASERG'
        $all.ResourceGroupName | Should -Contain $name
        $all | ForEach-Object { $_.ProvisioningState | Should -Not -BeNullOrEmpty }
    }

    It 'Get-AseResourceGroup -Location filters' {
        $name = New-AseTestResourceGroup 'pester-loc'
        @(Get-AseResourceGroup -Location DBELocal).ResourceGroupName | Should -Contain $name
        @(Get-AseResourceGroup -Location 'somewhere else') | Should -BeNullOrEmpty
    }

    It 'a missing group is an ObjectNotFound ErrorRecord with the ARM details' {
        $err = $null
        Get-AseResourceGroup -Name 'pester-no-such-group' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        Assert-AseError $err[0] -Status NotFound -Category ObjectNotFound
        $err[0].TargetObject | Should -Be 'pester-no-such-group'
        $err[0].Exception.ArmCode | Should -Be 'ResourceGroupNotFound'
        $err[0].Exception.HttpStatus | Should -Be 404
        $err[0].ErrorDetails.Message | Should -BeLike '*request id*'
    }

    It 'New-AseResourceGroup -Force updates an existing group (its tags)' {
        $name = New-AseTestResourceGroup 'pester-upd'
        $group = New-AseResourceGroup -Name $name -Tag @{ stage = 'two' } -Force -ErrorAction Stop
        $group.Tags['stage'] | Should -Be 'two'
        (Get-AseResourceGroup -Name $name).Tags['stage'] | Should -Be 'two'
    }

    It 'Remove-AseResourceGroup -PassThru outputs $true and the group is gone' {
        $name = New-AseTestResourceGroup 'pester-del'
        Remove-AseResourceGroup -Name $name -Force -PassThru | Should -Be $true
        { Get-AseResourceGroup -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'NotFound,*'
    }

    Context 'pipelines' {
        It 'Get-AseResourceGroup -Name prefix-* | Remove-AseResourceGroup -Force removes the matching groups' {
            $prefix = New-AseTestName 'pester-pipe'
            $names = @("$prefix-a", "$prefix-b")
            foreach ($n in $names) { $null = New-AseResourceGroup -Name $n -ErrorAction Stop; $AseTestGroups.Add($n) }
            Get-AseResourceGroup -Name "$prefix-*" | Remove-AseResourceGroup -Force -ErrorAction Stop
            @(Get-AseResourceGroup -Name "$prefix-*") | Should -BeNullOrEmpty
        }

        It 'Get-AseResourceGroup | Remove-AseResourceGroup -WhatIf binds every listed group and removes none' {
            $name = New-AseTestResourceGroup 'pester-pipewi'
            $before = @(Get-AseResourceGroup).Count
            $writes = Get-AseTestWriteCount
            Get-AseResourceGroup | Remove-AseResourceGroup -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-AseResourceGroup).Count | Should -Be $before
            (Get-AseResourceGroup -Name $name).ResourceGroupName | Should -Be $name
        }
    }

    Context 'ShouldProcess' {
        It 'New-AseResourceGroup -WhatIf creates nothing and sends nothing' {
            $name = New-AseTestName 'pester-whatif'
            $writes = Get-AseTestWriteCount
            New-AseResourceGroup -Name $name -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            @(Get-AseResourceGroup -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        }

        It 'New-AseResourceGroup -WhatIf on an existing group does not prompt (-NonInteractive), reports, and changes nothing' {
            $name = New-AseTestResourceGroup 'pester-exwi'
            $writes = Get-AseTestWriteCount
            $capture = Invoke-AseTestCapture { New-AseResourceGroup -Name $name -Tag @{ changed = 'yes' } -WhatIf }
            $capture.Thrown | Should -BeNullOrEmpty
            $capture.Errors | Should -BeNullOrEmpty
            Get-AseTestWriteCount | Should -Be $writes
            (Get-AseResourceGroup -Name $name).Tags.ContainsKey('changed') | Should -BeFalse
        }

        It 'New-AseResourceGroup -Confirm:$false creates the group' {
            $name = New-AseTestName 'pester-conf'
            $AseTestGroups.Add($name)
            $null = New-AseResourceGroup -Name $name -Confirm:$false -ErrorAction Stop
            (Get-AseResourceGroup -Name $name).ProvisioningState | Should -Be 'Succeeded'
        }

        It 'Remove-AseResourceGroup -WhatIf keeps the group and sends nothing' {
            $name = New-AseTestResourceGroup 'pester-rmwi'
            $writes = Get-AseTestWriteCount
            Remove-AseResourceGroup -Name $name -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            (Get-AseResourceGroup -Name $name).ResourceGroupName | Should -Be $name
        }

        It 'Remove-AseResourceGroup -Confirm:$false removes the group without prompting' {
            $name = New-AseTestResourceGroup 'pester-rmconf'
            Remove-AseResourceGroup -Name $name -Confirm:$false -ErrorAction Stop
            { Get-AseResourceGroup -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'NotFound,*'
        }
    }
}
