# Issue 11, "Nothing a caller sends can kill the host process", from a PowerShell host: templates and
# parameter files nested far deeper than ARM allows, and a VM count no device can hold, give an ErrorRecord
# with a specific id ('InvalidArgument,<command>') and words that name the limit, and the pwsh process and
# its session keep working. Before the fix each of these killed pwsh (stack overflow in the native library).
# The inputs are made here, at run time.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-safe'
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) (New-AseTestName 'hostsafety')
    $null = New-Item -ItemType Directory -Path $dir

    function New-AseNestedFile {
        # $Prefix, $Open x $Depth, $Middle, $Close x $Depth, $Suffix, written to $Name in $dir.
        param([string]$Name, [string]$Prefix, [string]$Open, [string]$Middle, [string]$Close, [string]$Suffix, [int]$Depth)
        $sb = [System.Text.StringBuilder]::new()
        $null = $sb.Append($Prefix)
        $null = $sb.Insert($sb.Length, $Open, $Depth)
        $null = $sb.Append($Middle)
        $null = $sb.Insert($sb.Length, $Close, $Depth)
        $null = $sb.Append($Suffix)
        $path = Join-Path $dir $Name
        [System.IO.File]::WriteAllText($path, $sb.ToString())
        $path
    }

    $vm = 'Microsoft.Compute/virtualMachines'
    $concat = New-AseNestedFile -Name 'deep-concat.json' -Depth 5000 -Open 'concat(' -Middle "'a'" -Close ')' `
        -Prefix ('{"resources":[{"type":"' + $vm + '","apiVersion":"2020-06-01","name":"[') -Suffix ']"}]}'
    $concat300 = New-AseNestedFile -Name 'concat-300.json' -Depth 300 -Open 'concat(' -Middle "'a'" -Close ')' `
        -Prefix ('{"resources":[{"type":"' + $vm + '","apiVersion":"2020-06-01","name":"[') -Suffix ']"}]}'
    $arrays = New-AseNestedFile -Name 'deep-arrays.json' -Depth 100000 -Open '[' -Middle '1' -Close ']' `
        -Prefix '{"resources":[],"variables":{"v":' -Suffix '}}'
    $objectTemplate = Join-Path $dir 'object-param.json'
    [System.IO.File]::WriteAllText($objectTemplate, '{"parameters":{"p":{"type":"object"}},"resources":[]}')
    $deepParameters = New-AseNestedFile -Name 'deep.parameters.json' -Depth 100000 -Open '{"a":' -Middle '1' -Close '}' `
        -Prefix '{"$schema":"x","contentVersion":"1.0.0.0","parameters":{"p":{"value":' -Suffix '}}}'
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
    if ($dir) { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Host safety: deep and huge inputs are refused, and pwsh keeps working' {
    It 'the inputs are what the issue measured' {
        (Get-Item -LiteralPath $arrays).Length | Should -BeGreaterThan 200000
        (Get-Content -Raw -LiteralPath $concat).Contains('concat(' * 5000) | Should -BeTrue
    }

    It 'Test-AseGpuDeployment: a 5,000-deep concat() in a resource name (longer than ARM''s 24,576-character expression)' {
        $err = Get-AseTestError { Test-AseGpuDeployment -ResourceGroupName $rg -TemplateFile $concat -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument
        "$err" | Should -Match 'InvalidTemplate'
        "$err" | Should -Match 'at most 24576 characters'
    }

    It 'Test-AseGpuDeployment: a 300-deep concat() (nested deeper than 64 levels)' {
        $err = Get-AseTestError { Test-AseGpuDeployment -ResourceGroupName $rg -TemplateFile $concat300 -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument
        "$err" | Should -Match 'InvalidTemplate'
        "$err" | Should -Match 'deeper than 64 levels'
    }

    It 'Test-AseGpuDeployment: 100,000 nested arrays, refused with the path' {
        $err = Get-AseTestError { Test-AseGpuDeployment -ResourceGroupName $rg -TemplateFile $arrays -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument
        "$err" | Should -Match 'InvalidTemplate'
        "$err" | Should -Match 'MaxDepth of 64'
        "$err" | Should -Match ([regex]::Escape("Path 'variables.v[0][0]"))
    }

    It 'Test-AseGpuDeployment: a parameter file with 100,000 nested objects, refused with the path' {
        $err = Get-AseTestError { Test-AseGpuDeployment -ResourceGroupName $rg -TemplateFile $objectTemplate -TemplateParameterFile $deepParameters -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument
        "$err" | Should -Match 'MaxDepth of 64'
        "$err" | Should -Match ([regex]::Escape("Path 'parameters.p.value.a.a"))
    }

    It 'New-AseResourceGroupDeployment refuses each of them before sending anything' {
        $before = Get-AseTestWriteCount
        foreach ($case in @(
                @{ TemplateFile = $concat },
                @{ TemplateFile = $concat300 },
                @{ TemplateFile = $arrays },
                @{ TemplateFile = $objectTemplate; TemplateParameterFile = $deepParameters })) {
            $err = Get-AseTestError { New-AseResourceGroupDeployment -ResourceGroupName $rg -Name 'deep' @case -ErrorAction Stop }
            Assert-AseError $err -Status InvalidArgument
            "$err" | Should -Match 'InvalidTemplate'
        }
        Get-AseTestWriteCount | Should -Be $before -Because 'nothing reached the device'
    }

    It 'Test-AseGpuDeployment -Count above what a device runs (24 VMs)' {
        $err = Get-AseTestError { Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -Count 64 -ErrorAction Stop }
        Assert-AseError $err -Status InvalidArgument
        "$err" | Should -Match 'give 1 to 24 VMs'
    }

    It 'the session keeps working afterwards' {
        $report = Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -ErrorAction Stop
        $report.Ok | Should -BeTrue
        (Get-AseResourceGroup -Name $rg -ErrorAction Stop).ResourceGroupName | Should -Be $rg
    }
}
