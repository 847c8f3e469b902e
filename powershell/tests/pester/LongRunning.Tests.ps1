# Long-running operations: Write-Progress records, -AsJob (success and failure), and cancellation: Ctrl+C
# (PowerShell.Stop()) and Stop-Job on the SLOW emulator (default pace: a VM takes 15 s to create), checked on
# the device's side: the operation was not finished when the call returned, and the client stopped polling.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-lro'
    $image = New-AseTestImage -ResourceGroupName $rg

    function Wait-AseTestJob($Job) {
        $null = Wait-Job -Job $Job -Timeout 120
        $Job.State | Should -BeIn @('Completed', 'Failed', 'Stopped') -Because 'the job ends within 120 s'
    }
    function Assert-AseTestNoMoreRequests([string]$Sim, [double]$Seconds) {
        # Fails as soon as a request reaches the emulator during the next -Seconds (the client polls the device
        # every second there while it waits, so a few quiet seconds show that it stopped).
        $count = @(Get-AseTestTraffic -Sim $Sim).Count
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        while ($sw.Elapsed.TotalSeconds -lt $Seconds) {
            $now = @(Get-AseTestTraffic -Sim $Sim)
            if ($now.Count -ne $count) { throw "the client still sent requests after the cancel: $(($now | Select-Object -Skip $count | ForEach-Object { $_.Method + ' ' + $_.Url }) -join '; ')" }
            Start-Sleep -Milliseconds 200
        }
    }
}

AfterAll {
    Connect-AseTestDevice
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Long-running operations: Write-Progress, -AsJob, Ctrl+C, Stop-Job' {
    Context 'Write-Progress' {
        It 'a deployment writes progress records (captured from a runspace''s Streams.Progress) and completes them' {
            $ps = New-AseTestRunspace -Sim Fast
            try {
                $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-prog' -ImageName $image -Size 'Standard_D2_v2'
                $null = $ps.AddScript({ param($Template) New-AseResourceGroupDeployment @Template -Name 'pester-prog' }).AddArgument($t)
                $result = @($ps.Invoke())
                @($ps.Streams.Error) | Should -BeNullOrEmpty
                $result[0].ProvisioningState | Should -Be 'Succeeded'
                $records = @($ps.Streams.Progress)
                $working = @($records | Where-Object { $_.RecordType -eq 'Processing' -and $_.StatusDescription })
                $working.Count | Should -BeGreaterThan 0
                $working[0].Activity | Should -Not -BeNullOrEmpty
                ($records | Select-Object -Last 1).RecordType | Should -Be 'Completed' -Because 'the progress bar is removed at the end'
            }
            finally { $ps.Dispose() }
        }

        It 'New-AzResourceGroupDeployment (AzCompat) shows the same progress' {
            $ps = New-AseTestRunspace -Sim Fast
            try {
                $file = New-AseTestParameterFile -Path (Join-Path $TestDrive 'prog.parameters.json') -VMName 'pester-azprog' -ImageName $image -Size 'Standard_D2_v2'
                $null = $ps.AddScript({ param($Rg, $Template, $File) New-AzResourceGroupDeployment -ResourceGroupName $Rg -TemplateFile $Template -TemplateParameterFile $File -Name 'pester-azprog' }).
                    AddArgument($rg).AddArgument((Get-AseTestFixture 'VmTemplates/CreateVM/CreateVM.json')).AddArgument($file)
                $null = $ps.Invoke()
                @($ps.Streams.Error) | Should -BeNullOrEmpty
                @($ps.Streams.Progress | Where-Object RecordType -eq 'Processing').Count | Should -BeGreaterThan 0
            }
            finally { $ps.Dispose() }
        }
    }

    Context '-AsJob' {
        BeforeAll {
            $null = New-AseTestVM -ResourceGroupName $rg -Name 'pester-jvm' -ImageName $image
            $jobImage = New-AseTestVhd -Path (Join-Path $TestDrive 'job.vhd') -SizeMiB 2
        }

        It '<Name> -AsJob returns a job that completes with the result' -ForEach @(
            @{ Name = 'Stop-AseVM'; Run = { Stop-AseVM -ResourceGroupName $rg -Name 'pester-jvm' -StayProvisioned -Force -AsJob }; Check = { param($out) $out.PowerState | Should -Be 'stopped' } }
            @{ Name = 'Start-AseVM'; Run = { Start-AseVM -ResourceGroupName $rg -Name 'pester-jvm' -AsJob }; Check = { param($out) $out.PowerState | Should -Be 'running' } }
            @{ Name = 'Restart-AseVM'; Run = { Restart-AseVM -ResourceGroupName $rg -Name 'pester-jvm' -AsJob }; Check = { param($out) $out.PowerState | Should -Be 'running' } }
            @{ Name = 'Get-AseVM | Install-AseGpuExtension -Release 2309'; Run = { Get-AseVM -ResourceGroupName $rg -Name 'pester-jvm' | Install-AseGpuExtension -Release 2309 -AsJob }; Check = { param($out) $out.ProvisioningState | Should -Be 'Succeeded' } }
            @{ Name = 'Get-AseVMExtension | Remove-AseVMExtension'; Run = { Get-AseVMExtension -ResourceGroupName $rg -VMName 'pester-jvm' | Remove-AseVMExtension -Force -AsJob }; Check = { param($out) @(Get-AseVMExtension -ResourceGroupName $rg -VMName 'pester-jvm') | Should -BeNullOrEmpty } }
            @{ Name = 'New-AseResourceGroupDeployment'; Run = { $t = Get-AseTestVmTemplate -ResourceGroupName $rg -VMName 'pester-jdep' -ImageName $image -Size 'Standard_D2_v2'; New-AseResourceGroupDeployment @t -Name 'pester-jdep' -AsJob }; Check = { param($out) $out.ProvisioningState | Should -Be 'Succeeded' } }
            @{ Name = 'New-AseGpuVM'; Run = { New-AseGpuVM -ResourceGroupName $rg -Name 'pester-jnew' -Image $image -Size 'Standard_D2_v2' -Credential (Get-AseTestVmCredential) -AsJob }; Check = { param($out) $out.Name | Should -Be 'pester-jnew' } }
            @{ Name = 'Remove-AseVM -PassThru'; Run = { Remove-AseVM -ResourceGroupName $rg -Name 'pester-jnew' -Force -PassThru -AsJob }; Check = { param($out) Test-AseTestVMExists -ResourceGroupName $rg -Name 'pester-jnew' | Should -BeFalse } }
            @{ Name = 'New-AseImage'; Run = { New-AseImage -ResourceGroupName $rg -Name 'pester-jimg' -Path $jobImage.FullName -StorageAccountName ('pj' + $rg.Replace('-', '').Substring(0, 14)) -OsType Linux -AsJob }; Check = { param($out) $out.ImageName | Should -Be 'pester-jimg' } }
            @{ Name = 'Send-AseVhd'; Run = { Send-AseVhd -ResourceGroupName $rg -StorageAccountName ('pj' + $rg.Replace('-', '').Substring(0, 14)) -Path $jobImage.FullName -BlobName 'job2.vhd' -AsJob }; Check = { param($out) $out.BlobUri | Should -BeLike '*/job2.vhd' } }
            @{ Name = 'Suspend-AseGpuVMsForUpdate'; Run = { Suspend-AseGpuVMsForUpdate -Force -AsJob }; Check = { param($out) @($out.Stopped).Name | Should -Contain 'pester-jvm' } }
            @{ Name = 'Resume-AseGpuVMsAfterUpdate'; Run = { $null = Start-AseVM -ResourceGroupName $rg -Name 'pester-jvm'; $r = Suspend-AseGpuVMsForUpdate -Force; $r | Resume-AseGpuVMsAfterUpdate -AsJob }; Check = { param($out) @($out).Name | Should -Contain 'pester-jvm' } }
            @{ Name = 'Remove-AseResourceGroup'; Run = { $g = New-AseTestResourceGroup 'pester-jrg'; Remove-AseResourceGroup -Name $g -Force -AsJob }; Check = { param($out) $out | Should -Be $true } }
            @{ Name = 'Remove-AzResourceGroup (AzCompat)'; Run = { $g = New-AseTestResourceGroup 'pester-jazrg'; Remove-AzResourceGroup -Name $g -Force -AsJob }; Check = { param($out) $out | Should -Be $true } }
            @{ Name = 'Start-AzVM (AzCompat)'; Run = { Start-AzVM -ResourceGroupName $rg -Name 'pester-jvm' -AsJob }; Check = { param($out) (Get-AseVM -ResourceGroupName $rg -Name 'pester-jvm').PowerState | Should -Be 'running' } }
        ) {
            $job = & $Run
            $job | Should -BeOfType ([System.Management.Automation.Job])
            Wait-AseTestJob $job
            $jobErrors = $null
            $out = @(Receive-Job -Job $job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
            @($jobErrors) | Should -BeNullOrEmpty
            $job.State | Should -Be 'Completed'
            & $Check $out
            Remove-Job -Job $job -Force
        }

        It '<Name> -AsJob that fails: the job ends Failed, Receive-Job surfaces NotFound, and there is no output' -ForEach @(
            @{ Name = 'Remove-AseResourceGroup'; Run = { Remove-AseResourceGroup -Name 'pester-missing-rg' -Force -AsJob } }
            @{ Name = 'Start-AseVM'; Run = { Start-AseVM -ResourceGroupName 'pester-missing-rg' -Name 'vm' -AsJob } }
            @{ Name = 'Stop-AseVM'; Run = { Stop-AseVM -ResourceGroupName 'pester-missing-rg' -Name 'vm' -Force -AsJob } }
            @{ Name = 'Install-AseGpuExtension'; Run = { Install-AseGpuExtension -ResourceGroupName 'pester-missing-rg' -VMName 'vm' -AsJob } }
            @{ Name = 'New-AseResourceGroupDeployment'; Run = { New-AseResourceGroupDeployment -ResourceGroupName 'pester-missing-rg' -TemplateFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.json') -TemplateParameterFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.parameters.json') -AsJob } }
            @{ Name = 'Remove-AzResourceGroup (AzCompat)'; Run = { Remove-AzResourceGroup -Name 'pester-missing-rg' -Force -AsJob } }
        ) {
            $job = & $Run
            $job | Should -BeOfType ([System.Management.Automation.Job])
            Wait-AseTestJob $job
            $job.State | Should -Be 'Failed'
            $jobErrors = $null
            $out = @(Receive-Job -Job $job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
            $out | Should -BeNullOrEmpty -Because 'a failed job outputs nothing (no $true)'
            @($jobErrors).Count | Should -BeGreaterThan 0
            Assert-AseError @($jobErrors)[0] -Status NotFound -Category ObjectNotFound
            Remove-Job -Job $job -Force
        }

        It 'Receive-Job -ErrorAction Stop on a failed job throws the NotFound error' {
            $job = Start-AseVM -ResourceGroupName 'pester-missing-rg' -Name 'vm' -AsJob
            Wait-AseTestJob $job
            $err = Get-AseTestError { Receive-Job -Job $job -ErrorAction Stop }
            Assert-AseError $err -Status NotFound -Category ObjectNotFound
            Remove-Job -Job $job -Force
        }
    }

    Context 'Ctrl+C and Stop-Job on a device at real pace' {
        BeforeAll {
            Connect-AseTestDevice -Sim Slow
            $slowRg = New-AseTestName 'pester-slow'
            $null = New-AseResourceGroup -Name $slowRg -Force -ErrorAction Stop
            $slowImage = New-AseTestImage -ResourceGroupName $slowRg
            function Wait-VmPut([string]$Name) {
                Wait-AseTestCondition -TimeoutSeconds 60 -Because "the device accepted the creation of VM $Name" -Condition {
                    @(Get-AseTestTraffic -Sim Slow -Writes | Where-Object { $_.Method -eq 'PUT' -and $_.Url -like "*/virtualMachines/$Name`?*" }).Count -gt 0
                }
            }
        }

        AfterAll {
            Connect-AseTestDevice -Sim Slow
            Remove-AseResourceGroup -Name $slowRg -Force -ErrorAction SilentlyContinue
            Connect-AseTestDevice
        }

        It 'Ctrl+C (Stop() of a [powershell] after BeginInvoke) during New-AseGpuVM: the call ends within seconds, unfinished on the device, and the client stops polling' {
            $ps = New-AseTestRunspace -Sim Slow
            try {
                $null = $ps.AddScript({
                        param($Rg, $Image, $Credential)
                        New-AseGpuVM -ResourceGroupName $Rg -Name 'pester-ctrlc' -Image $Image -Size 'Standard_D2_v2' -Credential $Credential
                        'FINISHED'
                    }).AddArgument($slowRg).AddArgument($slowImage).AddArgument((Get-AseTestVmCredential))
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
                $null = Wait-VmPut 'pester-ctrlc'
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $sw.Stop()
                $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $handle.IsCompleted | Should -BeTrue
                @($output) | Should -Not -Contain 'FINISHED'
                Assert-AseTestNoMoreRequests -Sim Slow -Seconds 3
                (Get-AseVM -ResourceGroupName $slowRg -Name 'pester-ctrlc' -ErrorAction Stop).ProvisioningState | Should -Not -Be 'Succeeded' -Because 'the call returned before the device finished (it takes 15 s)'
                (Invoke-AseSim -Sim Slow -Path state).operationsInProgress | Should -BeGreaterThan 0
            }
            finally { $ps.Dispose() }
        }

        It 'Stop-Job on New-AseGpuVM -AsJob: the job ends Stopped within seconds, unfinished on the device, and the client stops polling' {
            $job = New-AseGpuVM -ResourceGroupName $slowRg -Name 'pester-stopjob' -Image $slowImage -Size 'Standard_D2_v2' -Credential (Get-AseTestVmCredential) -AsJob
            $null = Wait-VmPut 'pester-stopjob'
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            Stop-Job -Job $job
            $sw.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
            $job.State | Should -Be 'Stopped'
            @(Receive-Job -Job $job -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
            Assert-AseTestNoMoreRequests -Sim Slow -Seconds 3
            (Get-AseVM -ResourceGroupName $slowRg -Name 'pester-stopjob' -ErrorAction Stop).ProvisioningState | Should -Not -Be 'Succeeded'
            Remove-Job -Job $job -Force
        }

        It 'the session still works after both cancellations' {
            (Get-AseResourceGroup -Name $slowRg -ErrorAction Stop).ResourceGroupName | Should -Be $slowRg
        }
    }
}
