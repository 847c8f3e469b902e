#Requires -Version 5.1
<#
.SYNOPSIS
Smoke test of the AseGpu binary module against two emulators: every cmdlet once, errors, -WhatIf, -AsJob, Stop-Job, Ctrl+C.

.DESCRIPTION
Not the Pester suite (powershell/tests/pester): a quick end-to-end pass for whoever changes the C# cmdlets.
Starts asegpu-sim twice (fast: --time-scale 100000 --retry-after 0; slow: the default pace, for cancelling),
imports the laid-out module, runs the checks and prints "N passed, M failed" (exit code 1 on a failure).

.EXAMPLE
powershell/build.sh --no-cargo; pwsh -NoProfile -NonInteractive -File powershell/AseGpu.PowerShell/smoke.ps1
#>
param(
    [string]$Module = (Join-Path $PSScriptRoot '../../target/powershell/AseGpu'),
    [string]$Sim = (Join-Path $PSScriptRoot '../../target/debug/asegpu-sim'),
    [string]$Templates = (Join-Path $PSScriptRoot '../../../shared/fixtures/ase-templates/VmTemplates')
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$script:Passed = 0
$script:Failed = 0

function Start-AseSim {
    # One emulator; returns @{ Process; Ready } (the ready JSON line).
    param([string]$Name, [string[]]$Arguments)
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("asegpu-smoke-$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $dir
    $psi = New-Object System.Diagnostics.ProcessStartInfo($Sim, ((@('--work-dir', "`"$dir`"") + $Arguments) -join ' '))
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.EnvironmentVariables['ASEGPU_SIM_PASSWORD'] = $script:Password
    $p = [System.Diagnostics.Process]::Start($psi)
    @{ Process = $p; Ready = ($p.StandardOutput.ReadLine() | ConvertFrom-Json) }
}

function Invoke-Check {
    # Runs one named check; a throw is a failure.
    param([string]$Name, [scriptblock]$Body)
    try {
        $null = & $Body
        $script:Passed++
        Write-Output "ok   $Name"
    }
    catch {
        $script:Failed++
        Write-Output "FAIL $Name`n     $($_.Exception.Message) ($($_.FullyQualifiedErrorId))"
    }
}

function Assert-That {
    param([bool]$Condition, [string]$Message)
    if (-not $Condition) { throw "assertion failed: $Message" }
}

function New-AseTestVhd {
    # A sparse fixed VHD of 8 MiB with an MBR signature (what Test-AseVhd accepts).
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ('smoke-' + [guid]::NewGuid().ToString('N') + '.vhd')
    $size = [long]8 * 1MB
    $f = New-Object byte[] 512
    $put = { param($o, [byte[]]$b) [Array]::Copy($b, 0, $f, $o, $b.Length) }
    $be = { param([long]$v, [int]$n) $b = New-Object byte[] $n; for ($i = 0; $i -lt $n; $i++) { $b[$n - 1 - $i] = [byte](($v -shr (8 * $i)) -band 0xFF) }; , $b }
    & $put 0 ([Text.Encoding]::ASCII.GetBytes('conectix'))
    & $put 8 (& $be 2 4); & $put 12 (& $be 0x00010000 4); & $put 16 (& $be -1 8)
    & $put 28 ([Text.Encoding]::ASCII.GetBytes('smok')); & $put 32 (& $be 0x00010000 4); & $put 36 ([Text.Encoding]::ASCII.GetBytes('Wi2k'))
    & $put 40 (& $be $size 8); & $put 48 (& $be $size 8); & $put 56 (& $be ($size / 512 / 16 / 63) 2); $f[58] = 16; $f[59] = 63
    & $put 60 (& $be 2 4); & $put 68 ([guid]::NewGuid().ToByteArray())
    [uint32]$sum = 0
    for ($i = 0; $i -lt 512; $i++) { if ($i -lt 64 -or $i -ge 68) { $sum += $f[$i] } }
    & $put 64 (& $be ([long](-bnot $sum) -band 0xFFFFFFFF) 4)
    $fs = [System.IO.File]::Open($path, 'CreateNew')
    try { $fs.Position = 510; $fs.WriteByte(0x55); $fs.WriteByte(0xAA); $fs.SetLength($size); $fs.Position = $size; $fs.Write($f, 0, 512) }
    finally { $fs.Dispose() }
    $path
}

$script:Password = 'Smoke-' + [guid]::NewGuid().ToString('N').Substring(0, 10) + '!'
$fast = Start-AseSim 'fast' @('--time-scale', '100000', '--retry-after', '0')
$slow = Start-AseSim 'slow' @()
try {
    Import-Module (Join-Path $Module 'AseGpu.psd1') -Force
    $cred = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString $script:Password -AsPlainText -Force))
    $vmCred = New-Object System.Management.Automation.PSCredential('azureuser', (ConvertTo-SecureString 'VmAdmin-Passw0rd!' -AsPlainText -Force))
    $r = $fast.Ready
    $connect = @{ ArmEndpoint = $r.arm_endpoint; Credential = $cred; CaCertificate = $r.ca_cert; DeviceIp = '127.0.0.1'; GpuCount = 2; KubernetesConfigured = $false; DeviceRelease = '2309' }
    $rg = 'smoke-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $vmTemplate = Join-Path $Templates 'CreateVM/CreateVM.json'
    $vmParameters = Join-Path $Templates 'CreateVM/CreateVM.parameters.json'
    $vm = @{ vmSize = 'Standard_NC4as_T4_v3'; vnetRG = 'ASERG'; imageName = 'img1'; vmName = 'vm1'; nicName = 'vm1-nic'; Password = 'VmAdmin-Passw0rd!' }

    Invoke-Check 'binary module, 23 cmdlets, help' {
        Assert-That ((Get-Module AseGpu).ModuleType -eq 'Binary') 'ModuleType Binary'
        Assert-That (@(Get-Command -Module AseGpu -CommandType Cmdlet).Count -eq 23) '23 cmdlets'
        Assert-That (@((Get-Help Connect-AseDevice -Full).Examples.Example).Count -gt 0) 'examples'
    }
    Invoke-Check 'NotConnected is terminating' {
        Disconnect-AseDevice
        try { Get-AseVM -ErrorAction SilentlyContinue; throw 'not terminating' } catch { Assert-That ($_.FullyQualifiedErrorId -eq 'NotConnected,AseGpu.GetAseVMCommand') $_.FullyQualifiedErrorId }
    }
    Invoke-Check 'wrong password: Authentication, non-terminating' {
        $bad = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        Connect-AseDevice @connect -Credential $bad -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-That ($e[0].FullyQualifiedErrorId -eq 'Authentication,AseGpu.ConnectAseDeviceCommand') $e[0].FullyQualifiedErrorId
        Assert-That ($e[0].CategoryInfo.Category -eq 'AuthenticationError') 'category'
    }
    Invoke-Check 'untrusted certificate: Tls' {
        Connect-AseDevice -ArmEndpoint $r.arm_endpoint -Credential $cred -DeviceIp 127.0.0.1 -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-That ($e[0].FullyQualifiedErrorId -like 'Tls,*') $e[0].FullyQualifiedErrorId
    }
    Invoke-Check 'Connect-AseDevice, Get-AseContext, thumbprint pin' {
        Assert-That ((Connect-AseDevice -ArmEndpoint $r.arm_endpoint -Credential $cred -CertificateThumbprint $r.thumbprint -DeviceIp 127.0.0.1).TlsVerification -eq 'pinned') 'pinned'
        $ctx = Connect-AseDevice @connect
        Assert-That ($ctx.PSTypeNames[0] -eq 'AseGpu.Context' -and (Get-AseContext).SubscriptionId -eq $r.subscription_id) 'context'
    }
    Invoke-Check 'resource groups: New (-WhatIf first), Get (wildcard), NotFound' {
        New-AseResourceGroup -Name $rg -WhatIf
        Get-AseResourceGroup -Name $rg -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-That ($e[0].FullyQualifiedErrorId -like 'NotFound,*' -and $e[0].TargetObject -eq $rg) 'NotFound with the target'
        Assert-That ((New-AseResourceGroup -Name $rg).ProvisioningState -eq 'Succeeded') 'created'
        New-AseResourceGroup -Name $rg -WhatIf
        Assert-That ((New-AseResourceGroup -Name $rg -Tag @{ a = 'b' } -Force).Tags['a'] -eq 'b') 'updated with -Force'
        Assert-That (@(Get-AseResourceGroup -Name 'smoke-*').Name -contains $rg) 'wildcard'
    }
    Invoke-Check 'GPU availability and preflight' {
        Assert-That ((Get-AseGpuAvailability).FreeGpus -eq 2) 'two free GPUs'
        Assert-That ((Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3).Ok) 'size preflight'
    }
    Invoke-Check 'CreateImage.json and CreateVM.json deployments' {
        $img = New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile (Join-Path $Templates 'CreateImage/CreateImage.json') -TemplateParameterFile (Join-Path $Templates 'CreateImage/CreateImage.parameters.json') -TemplateParameterObject @{ osType = 'Linux'; imageName = 'img1' } -Force
        Assert-That ($img.ProvisioningState -eq 'Succeeded') 'image'
        Assert-That ((Test-AseGpuDeployment -ResourceGroupName $rg -TemplateFile $vmTemplate -TemplateParameterFile $vmParameters -TemplateParameterObject $vm).Ok) 'preflight'
        $verbose = New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $vmTemplate -TemplateParameterFile $vmParameters -TemplateParameterObject $vm -Name vm1 -Verbose 4>&1
        $d = $verbose | Where-Object { $_ -is [AseGpu.AseDeploymentResult] }
        Assert-That ($d.ProvisioningState -eq 'Succeeded' -and @($d.IpAddresses).Count -eq 1) 'deployed'
        Assert-That (-not ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*VmAdmin-Passw0rd*' })) 'no password in verbose'
    }
    Invoke-Check 'Get-AseVM: all, "" as absent, by group from the pipeline, -Status' {
        Assert-That (@(Get-AseVM).Name -contains 'vm1') 'all'
        Assert-That (@(Get-AseVM -ResourceGroupName '').Name -contains 'vm1') 'empty group = all'
        Assert-That (@(Get-AseResourceGroup -Name $rg | Get-AseVM).Name -eq 'vm1') 'group piped'
        Assert-That ((Get-AseVM $rg vm1 -Status).PSTypeNames[0] -eq 'AseGpu.VMStatus') 'status'
    }
    Invoke-Check 'GPU extension: install from the pipeline, list without -Name' {
        Assert-That ((Get-AseVM $rg vm1 | Install-AseGpuExtension -WarningAction SilentlyContinue).ProvisioningState -eq 'Succeeded') 'installed'
        $x = @(Get-AseVMExtension -ResourceGroupName $rg -VMName vm1)
        Assert-That ($x.Count -eq 1 -and $x[0].Name) 'one named extension'
        Assert-That (@(Get-AseVM $rg vm1 | Get-AseVMExtension).Count -eq 1) 'piped'
    }
    Invoke-Check 'power: stop staying provisioned, start, deallocate through the pipeline, restart, -WhatIf' {
        Assert-That ((Stop-AseVM $rg vm1 -StayProvisioned -Force).PowerState -eq 'stopped') 'stopped'
        Assert-That ((Start-AseVM $rg vm1).PowerState -eq 'running') 'running'
        Assert-That ((Get-AseVM $rg vm1 | Stop-AseVM -Force).PowerState -eq 'deallocated') 'deallocated'
        Assert-That ((Get-AseVM $rg vm1 | Start-AseVM).PowerState -eq 'running') 'running again'
        Assert-That ((Restart-AseVM $rg vm1).PowerState -eq 'running') 'restarted'
        Stop-AseVM $rg vm1 -Force -WhatIf
        Assert-That ((Get-AseVM $rg vm1).PowerState -eq 'running') '-WhatIf changed nothing'
    }
    Invoke-Check 'device update: suspend to a file, resume from it' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ('smoke-' + [guid]::NewGuid().ToString('N') + '.json')
        $file = Suspend-AseGpuVMsForUpdate -Path $path -Force
        Assert-That ((Get-AseVM $rg vm1).PowerState -eq 'stopped') 'stopped'
        Assert-That (@($file | Resume-AseGpuVMsAfterUpdate).Name -contains 'vm1') 'resumed'
        Remove-Item -LiteralPath $path
    }
    Invoke-Check 'New-AseGpuVM, Test-AseVhd, Send-AseVhd, New-AseImage' {
        Assert-That ((New-AseGpuVM -ResourceGroupName $rg -Name vm2 -Image img1 -Credential $vmCred).Name -eq 'vm2') 'vm2'
        $vhd = New-AseTestVhd
        Assert-That ((Test-AseVhd -Path $vhd).HyperVGeneration -eq 'V1') 'VHD accepted'
        $i = New-AseImage -ResourceGroupName $rg -Name img2 -Path $vhd -StorageAccountName smokesa -OsType Linux
        Assert-That ($i.ImageName -eq 'img2') 'image'
        Assert-That ((Send-AseVhd -ResourceGroupName $rg -StorageAccountName smokesa -Path $vhd -BlobName again.vhd).SizeBytes -gt 0) 'upload'
        Remove-Item -LiteralPath $vhd
    }
    Invoke-Check '-AsJob: success, failure (Failed, the error via Receive-Job)' {
        $ok = Get-AseVM $rg vm2 | Stop-AseVM -Force -AsJob
        Assert-That ($ok.PSJobTypeName -eq 'AseGpuJob' -and (Get-Job -Id $ok.Id)) 'in the repository'
        $null = Wait-Job $ok -Timeout 60
        Assert-That ($ok.State -eq 'Completed' -and (Receive-Job $ok).PowerState -eq 'deallocated') 'completed'
        $bad = Remove-AseVM -ResourceGroupName nosuchrg -Name nosuchvm -Force -AsJob
        $null = Wait-Job $bad -Timeout 60
        $out = Receive-Job $bad -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-That ($bad.State -eq 'Failed' -and $null -eq $out) 'failed, no output'
        Assert-That ($e.Count -eq 1 -and $e[0].FullyQualifiedErrorId -eq 'NotFound,AseGpu.RemoveAseVMCommand') "$($e.Count) $($e[0].FullyQualifiedErrorId)"
        Get-Job | Remove-Job
    }
    Invoke-Check 'removes: extension, VM, group (-PassThru)' {
        Get-AseVMExtension $rg vm1 | Remove-AseVMExtension -Force
        Assert-That (@(Get-AseVMExtension $rg vm1).Count -eq 0) 'no extension'
        Assert-That (Remove-AseVM $rg vm2 -Force -PassThru) 'vm2 removed'
        Assert-That (Remove-AseResourceGroup $rg -Force -PassThru) 'group removed'
    }
    Invoke-Check 'slow device: Stop-Job and Ctrl+C cancel a running deployment' {
        $s = $slow.Ready
        $slowConnect = @{ ArmEndpoint = $s.arm_endpoint; Credential = $cred; CaCertificate = $s.ca_cert; DeviceIp = '127.0.0.1'; GpuCount = 2; KubernetesConfigured = $false; DeviceRelease = '2309' }
        $null = Connect-AseDevice @slowConnect
        $null = New-AseResourceGroup $rg
        $null = New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile (Join-Path $Templates 'CreateImage/CreateImage.json') -TemplateParameterFile (Join-Path $Templates 'CreateImage/CreateImage.parameters.json') -TemplateParameterObject @{ osType = 'Linux'; imageName = 'img1' } -Force
        $job = New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $vmTemplate -TemplateParameterFile $vmParameters -TemplateParameterObject $vm -Name vm1 -AsJob
        Start-Sleep -Seconds 2
        Assert-That ($job.State -eq 'Running' -and $job.Progress.Count -gt 0) 'running with progress'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Stop-Job $job
        Assert-That ($job.State -eq 'Stopped' -and $sw.Elapsed.TotalSeconds -lt 5) "stopped in $($sw.Elapsed.TotalSeconds) s"
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($m, $c, $rg, $f, $pf)
                Import-Module $m
                $null = Connect-AseDevice @c
                New-AseResourceGroupDeployment -ResourceGroupName $rg -TemplateFile $f -TemplateParameterFile $pf -TemplateParameterObject @{ vmSize = 'Standard_NC4as_T4_v3'; vnetRG = 'ASERG'; imageName = 'img1'; vmName = 'vm3'; nicName = 'vm3-nic' } -Name vm3 -Force
            }).AddArgument((Join-Path $Module 'AseGpu.psd1')).AddArgument($slowConnect).AddArgument($rg).AddArgument($vmTemplate).AddArgument($vmParameters)
        $h = $ps.BeginInvoke()
        Start-Sleep -Seconds 3
        Assert-That ($ps.InvocationStateInfo.State -eq 'Running' -and $ps.Streams.Progress.Count -gt 0) 'pipeline running with progress'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        Assert-That ($ps.InvocationStateInfo.State -eq 'Stopped' -and $sw.Elapsed.TotalSeconds -lt 5) "pipeline stopped in $($sw.Elapsed.TotalSeconds) s"
        $ps.Dispose()
        Assert-That ([bool](Get-AseContext)) 'this runspace keeps its own connection'
        Get-Job | Remove-Job -Force
    }
}
finally {
    foreach ($s in @($fast, $slow)) { if (-not $s.Process.HasExited) { $s.Process.Kill(); $null = $s.Process.WaitForExit(5000) } }
}
Write-Output "$script:Passed passed, $script:Failed failed"
if ($script:Failed) { exit 1 }
