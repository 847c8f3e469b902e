# tests/documented-workflow.ps1 (the docs' Az text, unchanged) RUN end to end through AseGpu.AzCompat:
#   1. in this process against the FAST emulator, the names and the CA given as AseGpu's own Connect-AzAccount
#      parameters through $PSDefaultParameterValues (glue outside the script);
#   2. the documented way, with nothing but the script: the emulator on port 443 in a private network + mount
#      namespace (unshare; root), its root CA in the OS trust store (SSL_CERT_FILE: the system bundle plus the
#      CA) and the device's names in a private /etc/hosts (bind-mounted there; the machine's files are untouched).
# The VHD is a 4 MiB fixed VHD from `qemu-img create -f vpc -o subformat=fixed,force_size` (New-AseTestVhd where
# qemu-img is missing).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    $sim = Get-AseTestSim Fast
    $workflow = (Resolve-Path (Join-Path $PSScriptRoot '../documented-workflow.ps1')).ProviderPath
    $templates = Get-AseTestFixture 'VmTemplates'

    function New-DocTestVhd([string]$Path) {
        $qemu = Get-Command qemu-img -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($qemu) {
            & $qemu.Source create -f vpc -o subformat=fixed,force_size $Path 4M | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "qemu-img failed ($LASTEXITCODE)" }
        }
        else { $null = New-AseTestVhd -Path $Path -SizeMiB 4 }
        Get-Item -LiteralPath $Path
    }

    function Get-DocTestNames {
        $n = [guid]::NewGuid().ToString('N').Substring(0, 8)
        @{ ResourceGroupName = "docwf-$n"; StorageAccountName = "docwf$n"; VmName = "docvm$n"; GpuVmName = "docgpu$n"; DiskName = "docdisk$n"; ImageName = "docimg$n" }
    }

    $vhd = New-DocTestVhd (Join-Path $TestDrive 'ubuntu18.04.vhd')
    $names = Get-DocTestNames
    $null = $AseTestGroups.Add($names.ResourceGroupName)
}

AfterAll {
    if (Get-AseContext) {
        foreach ($g in @($AseTestGroups)) { $null = Remove-AzResourceGroup -Name $g -Force -ErrorAction SilentlyContinue }
    }
    Disconnect-AzAccount -ErrorAction SilentlyContinue | Out-Null
}

Describe 'the documented Az workflow, run unchanged (names and CA glued with AseGpu parameters)' {
    BeforeAll {
        # Glue outside the documented text: where the emulator is and what ARM does not say (the device facts).
        $PSDefaultParameterValues['Connect-AzAccount:CaCertificate'] = $sim.ca_cert
        $PSDefaultParameterValues['Connect-AzAccount:HostMap'] = Get-AseTestHostMap $sim
        $PSDefaultParameterValues['Connect-AzAccount:GpuCount'] = 2
        $PSDefaultParameterValues['Connect-AzAccount:KubernetesConfigured'] = $false
        $PSDefaultParameterValues['Connect-AzAccount:DeviceRelease'] = '2309'
        $all = & $workflow -ArmEndpoint $sim.arm_endpoint -Password $env:ASEGPU_PESTER_PASSWORD -LocalFilePath $vhd.FullName `
            -TemplateDir $templates @names 3>&1
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] })
        $result = @($output | Where-Object { $_.PSObject.TypeNames -contains 'AseGpu.DocumentedWorkflowResult' })[-1]
        foreach ($k in @('CaCertificate', 'HostMap', 'GpuCount', 'KubernetesConfigured', 'DeviceRelease')) { $PSDefaultParameterValues.Remove("Connect-AzAccount:$k") }
    }

    It 'signs in to the device''s one subscription' {
        $result.SubscriptionName | Should -Be 'Default Provider Subscription'
        (Get-AzContext).Subscription.Id | Should -Be $sim.subscription_id
        (Get-AzEnvironment -Name AzASE).StorageEndpointSuffix | Should -BeLike 'dbe-asesim.microsoftdatabox.com*'
    }

    It 'uploads the VHD as a page blob of the storage account the docs create' {
        $result.StorageEndpoint | Should -BeLike "https://$($names.StorageAccountName).blob.*"
        $result.BlobUri | Should -Be "$($result.StorageEndpoint)vmimages/ubuntu18.04.vhd"
        $result.SasUri | Should -Match '\?sv=2019-07-07&ss=b&srt=sco&sp=rwdlac&se=[^&]+&spr=https&sig='
        (Get-AzStorageAccountKey -ResourceGroupName $names.ResourceGroupName -Name $names.StorageAccountName)[0].Permissions | Should -Be 'Full'
    }

    It 'makes the managed disk and the image from it' {
        $disk = Get-AzDisk -ResourceGroupName $names.ResourceGroupName -DiskName $names.DiskName
        $disk.CreationData.CreateOption | Should -Be 'Import'
        $disk.CreationData.SourceUri | Should -Be $result.BlobUri
        $result.DiskId | Should -Be $disk.Id
        $image = Get-AzImage -ResourceGroupName $names.ResourceGroupName -ImageName $names.ImageName
        $image.Id | Should -Be $result.ImageId
        $image.StorageProfile.OsDisk.ManagedDisk.Id | Should -Be $disk.Id
        [string]$image.StorageProfile.OsDisk.OsState | Should -Be 'Generalized'
        (Get-AzImage -ResourceGroupName $names.ResourceGroupName -ImageName "$($names.ImageName)-template").StorageProfile.OsDisk.BlobUri | Should -Be $result.BlobUri
    }

    It 'creates the VM without a template: NIC in ASEVNETsubNet with an IP, VM with that NIC and the image' {
        $result.VmIpAddress | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        $vm = Get-AzVM -ResourceGroupName $names.ResourceGroupName -Name $names.VmName
        $vm.HardwareProfile.VmSize | Should -Be 'Standard_D1_v2'
        $vm.StorageProfile.ImageReference.Id | Should -Be $result.ImageId
        $nic = Get-AzNetworkInterface -ResourceId $vm.NetworkProfile.NetworkInterfaces[0].Id
        $nic.IpConfigurations[0].Subnet.Id | Should -BeLike '*/virtualNetworks/ASEVNET/subnets/ASEVNETsubNet'
        $nic.IpConfigurations[0].PrivateIpAddress | Should -Be $result.VmIpAddress
        $vm.OSProfile.AdminUsername | Should -Be 'azureuser'
    }

    It 'deploys the GPU VM from CreateVM.json: Parameters by name, a GPU size, running' {
        $result.DeploymentState | Should -Be 'Succeeded'
        $result.DeployedVmName | Should -Be $names.GpuVmName
        $d = Get-AzResourceGroupDeployment -ResourceGroupName $names.ResourceGroupName -Name 'gpuvm-deployment'
        $d.Parameters['vmSize'].Value | Should -Be 'Standard_NC4as_T4_v3'
        $d.Parameters['vmSize'].Type | Should -Be 'String'
        (Get-AzVM -ResourceGroupName $names.ResourceGroupName -Name $names.GpuVmName).HardwareProfile.VmSize | Should -Be 'Standard_NC4as_T4_v3'
        $result.PowerState | Should -Be 'VM running'
    }

    It 'installs the NVIDIA GPU extension with the addGPUExtLinuxVM2205 parameters' {
        $result.GpuExtensionState | Should -Be 'Succeeded'
        $e = Get-AzVMExtension -ResourceGroupName $names.ResourceGroupName -VMName $names.GpuVmName -Name gpuLinux
        $e.Publisher | Should -Be 'Microsoft.HpcCompute'
        $e.ExtensionType | Should -Be 'NvidiaGpuDriverLinux'
        $e.TypeHandlerVersion | Should -Be '1.8'
        @(Get-AzVMExtension -ResourceGroupName $names.ResourceGroupName -VMName $names.GpuVmName).Name | Should -Contain 'gpuLinux'
    }

    It 'says nothing alarming beyond the documented -Permission Container on a private container and the image-name OS guess' {
        @($warnings | Where-Object { "$_" -notmatch '-Permission Container|OS distribution could not be recognised' }) | Should -BeNullOrEmpty
    }
}

Describe 'the documented way: OS trust store and hosts file, no AseGpu parameter (private namespaces)' {
    BeforeAll {
        $unshare = Get-Command unshare -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        $ip = Get-Command ip -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        $isRoot = $IsLinux -and ((& id -u) -eq '0')
        $bundle = @('/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt') | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        $simBin = if ($env:ASEGPU_SIM) { $env:ASEGPU_SIM } else { Join-Path $AseTestRepo 'target/debug/asegpu-sim' }
        $skip = -not ($unshare -and $ip -and $isRoot -and $bundle -and (Test-Path -LiteralPath $simBin))
        $skipReason = "needs Linux, root, unshare, ip, a system CA bundle and $simBin"
        $ns = @{}
        if (-not $skip) {
            $work = Join-Path $TestDrive 'ns'
            $null = New-Item -ItemType Directory -Path $work
            $n = Get-DocTestNames
            $pwsh = Get-AsePwsh
            $compat = Join-Path (Get-AseTestModuleDir) 'AseGpu.AzCompat'
            # Everything inside runs in the namespaces: the emulator on 127.0.0.1:443, the hosts file with exactly the
            # documented entries (management., login., <storage account>.blob.), SSL_CERT_FILE with the device's CA.
            $inner = @'
set -eu
export NO_COLOR=1
ip link set lo up
w="$1"; sim="$2"; pwsh="$3"; compat="$4"; workflow="$5"; vhd="$6"; templates="$7"; sa="$8"; rg="$9"; bundle="${10}"
ASEGPU_SIM_PASSWORD='Ns-Passw0rd-1!' "$sim" --work-dir "$w/sim" --listen 127.0.0.1 --port 443 --time-scale 100000 --retry-after 0 >"$w/ready.json" 2>"$w/sim.log" &
simpid=$!
trap 'kill $simpid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$w/ready.json" ] && break; sleep 0.05; done
[ -s "$w/ready.json" ] || { echo "emulator did not start"; cat "$w/sim.log"; exit 3; }
d=dbe-asesim.microsoftdatabox.com
printf '127.0.0.1 localhost\n127.0.0.1 login.%s\n127.0.0.1 management.%s\n127.0.0.1 %s.blob.%s\n' "$d" "$d" "$sa" "$d" > "$w/hosts"
mount --bind "$w/hosts" /etc/hosts
cat "$bundle" "$w/sim/ca.pem" > "$w/trusted.pem"
# Without the device's CA in the store: refused as a TLS failure.
SSL_CERT_FILE="$bundle" "$pwsh" -NoProfile -NonInteractive -File "$w/notrust.ps1" "$compat" "https://management.$d/" >"$w/notrust.out" 2>&1 || true
SSL_CERT_FILE="$w/trusted.pem" "$pwsh" -NoProfile -NonInteractive -File "$w/run.ps1" "$compat" "$workflow" "https://management.$d/" "$vhd" "$templates" "$sa" "$rg" >"$w/run.out" 2>&1
'@
            Set-Content -LiteralPath (Join-Path $work 'inner.sh') -Value $inner
            Set-Content -LiteralPath (Join-Path $work 'notrust.ps1') -Value @'
param($Compat, $Arm)
Import-Module $Compat -ErrorAction Stop
$null = Add-AzEnvironment -Name AzASE -ARMEndpoint $Arm
$cred = New-Object System.Management.Automation.PSCredential('EdgeArmUser', (ConvertTo-SecureString 'Ns-Passw0rd-1!' -AsPlainText -Force))
try { Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -Credential $cred -ErrorAction Stop | Out-Null; 'CONNECTED' }
catch { 'ERRORID ' + $_.FullyQualifiedErrorId }
'@
            Set-Content -LiteralPath (Join-Path $work 'run.ps1') -Value @'
param($Compat, $Workflow, $Arm, $Vhd, $Templates, $Sa, $Rg)
$ErrorActionPreference = 'Stop'
Import-Module $Compat
$out = & $Workflow -ArmEndpoint $Arm -Password 'Ns-Passw0rd-1!' -LocalFilePath $Vhd -TemplateDir $Templates -StorageAccountName $Sa -ResourceGroupName $Rg 3>$null
$r = @($out | Where-Object { $_.PSObject.TypeNames -contains 'AseGpu.DocumentedWorkflowResult' })[-1]
# The account SAS as AzCopy uses it ("$endPoint$ContainerName$StorageAccountSAS"), through .NET's own TLS and resolver: the same store, the same hosts file.
$list = Invoke-WebRequest -UseBasicParsing -Uri ($r.SasUri + '&restype=container&comp=list')
$tampered = (Invoke-WebRequest -UseBasicParsing -SkipHttpErrorCheck -Uri (($r.SasUri -replace 'sp=rwdlac', 'sp=rwdl') + '&restype=container&comp=list')).StatusCode
'RESULT ' + ([pscustomobject]@{
    Subscription = $r.SubscriptionName; Endpoint = $r.StorageEndpoint; Blob = $r.BlobUri; Deployment = $r.DeploymentState
    Extension = $r.GpuExtensionState; Power = $r.PowerState; ListStatus = [int]$list.StatusCode; ListHasBlob = ($list.Content -match '<Name>ubuntu18.04.vhd</Name>')
    TamperedStatus = $tampered
} | ConvertTo-Json -Compress)
'@
            & $unshare.Source --mount --net bash (Join-Path $work 'inner.sh') $work $simBin $pwsh $compat $workflow $vhd.FullName $templates `
                $n.StorageAccountName $n.ResourceGroupName $bundle 2>&1 | Out-Null
            $ns.Exit = $LASTEXITCODE
            # Plain text (no ANSI colours: they would end up in the test report).
            $read = { param($f) if (Test-Path -LiteralPath $f) { (Get-Content -Raw -LiteralPath $f) -replace '\x1b\[[0-9;?]*[A-Za-z]', '' } else { '' } }
            $ns.Run = & $read (Join-Path $work 'run.out')
            $ns.NoTrust = & $read (Join-Path $work 'notrust.out')
            $line = ($ns.Run -split "`n") | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
            $ns.Result = if ($line) { $line.Substring(7) | ConvertFrom-Json } else { $null }
            $ns.Names = $n
        }
    }

    It 'runs end to end with the CA only in SSL_CERT_FILE and the names only in /etc/hosts' -Skip:$skip {
        if ($null -eq $ns.Result) { throw "no result (exit $($ns.Exit)):`n$($ns.Run)" }
        $ns.Result.Subscription | Should -Be 'Default Provider Subscription'
        $ns.Result.Endpoint | Should -Be "https://$($ns.Names.StorageAccountName).blob.dbe-asesim.microsoftdatabox.com/"
        $ns.Result.Blob | Should -Be "$($ns.Result.Endpoint)vmimages/ubuntu18.04.vhd"
        $ns.Result.Deployment | Should -Be 'Succeeded'
        $ns.Result.Extension | Should -Be 'Succeeded'
        $ns.Result.Power | Should -Be 'VM running'
    }

    It 'the account SAS works as AzCopy would use it, and a tampered one is refused' -Skip:$skip {
        $ns.Result.ListStatus | Should -Be 200
        $ns.Result.ListHasBlob | Should -BeTrue
        $ns.Result.TamperedStatus | Should -Be 403
    }

    It 'without the device''s CA in the trust store Connect-AzAccount fails as a TLS error (nothing is skipped)' -Skip:$skip {
        $ns.NoTrust | Should -Match 'ERRORID Tls,'
    }

    It 'is skipped only where the namespaces cannot be made' -Skip:(-not $skip) {
        Set-ItResult -Skipped -Because $skipReason
    }
}
