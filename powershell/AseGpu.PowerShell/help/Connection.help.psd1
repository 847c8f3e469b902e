# Help of Connect-AseDevice, Disconnect-AseDevice, Get-AseContext (see Build-AseHelp.ps1).
@{
    'Connect-AseDevice'    = @{
        Synopsis    = 'Connects to the local Azure Resource Manager of an Azure Stack Edge Pro GPU device.'
        Description = @'
Reads the device's ARM metadata, signs in to its AD FS as EdgeArmUser with the Edge ARM password and finds the
device's single subscription. The connection is kept for the other AseGpu cmdlets of this PowerShell session
(runspace) until Disconnect-AseDevice or the next Connect-AseDevice; a failed connect keeps the previous one.

TLS is always verified. Without a trust parameter the system trust store decides, which is the documented way:
import the device's root CA into the trusted root store and add the device's host names to the hosts file.
Alternatively pass the root CA file (-CaCertificate, added to the system store for this connection, or used
alone with -CaOnly) or pin the device certificate's SHA-256 thumbprint (-CertificateThumbprint). Host names can
be mapped without editing the hosts file (-DeviceIp or -HostMap).

ARM does not expose the GPU count, whether Kubernetes is configured, or the device release: give them once here
(-GpuCount, -KubernetesConfigured, -DeviceRelease, from the device's local web UI) for the GPU availability,
the preflight and the GPU extension version. The password is only ever held as a SecureString and is never
written to verbose output, errors or objects.
'@
        Parameters  = @{
            ArmEndpoint           = 'https://management.<device name>.<DNS domain>/ (a port may follow). -ARMEndpoint works too (parameter names are case-insensitive); alias ArmUrl.'
            EnvironmentName       = 'An environment registered with Add-AzEnvironment (AseGpu.AzCompat) instead of -ArmEndpoint.'
            Credential            = 'EdgeArmUser and the Edge ARM password. Prompted for when omitted (an error in a non-interactive session). A "DOMAIN\user" name is sent as "user".'
            TenantId              = 'The AD FS tenant; every device uses c0257de7-538f-415c-993a-1b87a031879d (the default).'
            CaCertificate         = 'The device''s root CA certificate file (PEM or DER .cer), as downloaded from its local web UI. Trusted in addition to the system store (only it with -CaOnly).'
            CaOnly                = 'Trust only -CaCertificate, not the system trust store.'
            CertificateThumbprint = 'SHA-256 thumbprint (hex; colons and spaces allowed) of the device''s certificate: exactly that certificate is accepted, whoever signed it. SHA-1 thumbprints are refused.'
            DeviceIp              = 'The device''s IP address, used for every *.<device>.<domain> host name (instead of hosts-file entries).'
            HostMap               = 'Host name (or *.suffix) to IP address, instead of hosts-file entries.'
            SkipCertificateCheck  = 'Do not verify the device''s TLS certificate at all. Dangerous: anyone on the network path can impersonate the device and read the password. A warning says so.'
            RequestTimeoutSeconds = 'Timeout of one HTTP request, 1 to 3600 seconds (default 100).'
            GpuCount              = 'Device fact ARM does not expose: the number of GPUs (1 or 2, from the device''s local web UI).'
            GpuModel              = 'Device fact: T4 or A2 (otherwise inferred from the GPU VM sizes the device offers).'
            KubernetesConfigured  = 'Device fact: whether Kubernetes is configured ($true/$false). Kubernetes claims every GPU that is free when it is configured.'
            KubernetesGpus        = 'Device fact: how many GPUs Kubernetes holds (0 to 2), when known.'
            DeviceRelease         = 'Device fact: the software release, e.g. 2309 (decides the GPU extension version). Alias Release.'
            CustomSize            = 'Device fact: the custom VM sizes set on the device, each NAME:VCPUS:MEMORY_GIB[:GPUS] (e.g. Custom_GPU_T4_v3:8:28:2), as Get-HcsVMCustomSizes in the device''s PowerShell interface shows them. ARM lists custom sizes but not their GPU count.'
            MpsEnabled            = 'Device fact: whether the GPU Multi-Process Service is on (Start-HcsGpuMPS in the device''s PowerShell interface); a device update turns it off.'
        }
        Examples    = @(
            @{
                Code    = @'
$cred = Get-Credential -UserName EdgeArmUser -Message 'Edge ARM password'
Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred
'@
                Remarks = 'The documented set-up: the device''s root CA is in the trusted root store and its host names are in the hosts file.'
            }
            @{
                Code    = 'Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CaCertificate .\root.cer -DeviceIp 10.0.0.5'
                Remarks = 'Trusts the downloaded root CA for this connection and resolves the device''s host names to 10.0.0.5, without changing the machine.'
            }
            @{
                Code    = 'Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CertificateThumbprint 3F2A...9B'
                Remarks = 'Pins the device certificate (for self-signed certificates).'
            }
            @{
                Code    = 'Connect-AseDevice -ArmEndpoint https://management.dbe-1234.microsoftdatabox.com/ -Credential $cred -CaCertificate .\root.cer -GpuCount 2 -KubernetesConfigured $false -DeviceRelease 2309'
                Remarks = 'Gives the device facts that Get-AseGpuAvailability, Test-AseGpuDeployment and Install-AseGpuExtension use.'
            }
        )
        Outputs     = 'AseGpu.Context (Account, SubscriptionName, SubscriptionId, TenantId, Environment, ArmEndpoint, LoginEndpoint, TlsVerification), like Connect-AzAccount.'
        Links       = @('Disconnect-AseDevice', 'Get-AseContext', 'Get-AseGpuAvailability')
    }
    'Disconnect-AseDevice' = @{
        Synopsis    = 'Disconnects from the device.'
        Description = 'Forgets the connection of this PowerShell session: the library zeroises the password and tokens. A running job finishes the device call it is in. Removing the module disconnects as well.'
        Examples    = @(
            @{ Code = 'Disconnect-AseDevice'; Remarks = 'After this, cmdlets that reach the device fail with NotConnected until the next Connect-AseDevice.' }
        )
        Links       = @('Connect-AseDevice')
    }
    'Get-AseContext'       = @{
        Synopsis    = 'Shows what the current connection is signed in to (like Get-AzContext); nothing when not connected.'
        Description = 'Outputs the AseGpu.Context of the current connection (account, subscription, tenant, environment, endpoints, how TLS is verified), or nothing when this PowerShell session is not connected.'
        Examples    = @(
            @{ Code = 'Get-AseContext'; Remarks = '' }
            @{ Code = '(Get-AseContext).SubscriptionId'; Remarks = 'The device''s subscription id, for resource ids.' }
            @{ Code = 'if (-not (Get-AseContext)) { Connect-AseDevice -ArmEndpoint $url -Credential $cred }'; Remarks = 'Connects only when needed.' }
        )
        Outputs     = 'AseGpu.Context'
        Links       = @('Connect-AseDevice')
    }
}
