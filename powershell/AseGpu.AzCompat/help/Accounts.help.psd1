# Help of Add-/Get-/Set-AzEnvironment, Connect-/Disconnect-AzAccount, Get-/Set-AzContext, Get-AzSubscription (AseGpu.AzCompat; built into the MAML file by AseGpu.PowerShell/help/Build-AseHelp.ps1 -HelpSource).
@{
    'Add-AzEnvironment' = @{
        Synopsis    = 'Registers a device''s local ARM endpoint as a named environment (Az.Accounts).'
        Description = 'Adds an environment for Connect-AzAccount -Environment. With -ARMEndpoint (the documented way) the environment is an AD FS one; the AD FS authority, the token audience and the storage endpoint suffix are filled in from the device''s /metadata/endpoints when Connect-AzAccount signs in (then Get-AzEnvironment shows them, StorageEndpointSuffix included). Environments are kept for this PowerShell session and shared with Connect-AseDevice -EnvironmentName.'
        Parameters  = @{
            Name = 'The environment name, used later with Connect-AzAccount -Environment (alias EnvironmentName there).'
            ARMEndpoint = 'The device''s ARM endpoint: https://management.<device name>.<DNS domain>/ (alias ArmUrl). The AD FS authority and the storage suffix are read from the device''s metadata at Connect-AzAccount.'
        }
        Examples    = @(
            @{ Code = 'Add-AzEnvironment -Name AzASE -ARMEndpoint "https://management.dbe-1234.microsoftdatabox.com/"'; Remarks = 'The documented first step.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureEnvironment'
        Links       = @('Connect-AzAccount', 'Get-AzEnvironment')
    }
    'Set-AzEnvironment' = @{
        Synopsis    = 'Changes a registered environment (Az.Accounts).'
        Description = 'Changes the endpoints of an environment added with Add-AzEnvironment; with only -Name (as the docs run it) nothing changes and the environment is output. A new -ARMEndpoint is read again at the next Connect-AzAccount.'
        Parameters  = @{
            Name = 'The environment to change.'
            ARMEndpoint = 'The device''s ARM endpoint: https://management.<device name>.<DNS domain>/ (alias ArmUrl). The AD FS authority and the storage suffix are read from the device''s metadata at Connect-AzAccount.'
        }
        Examples    = @(
            @{ Code = 'Set-AzEnvironment -Name AzASE'; Remarks = 'As the connect guide runs it.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureEnvironment'
        Links       = @('Add-AzEnvironment')
    }
    'Get-AzEnvironment' = @{
        Synopsis    = 'Gets the registered environments (Az.Accounts).'
        Description = 'Outputs the environments added with Add-AzEnvironment (and the connected one). After Connect-AzAccount the environment carries what the device''s metadata says: ActiveDirectoryAuthority, ActiveDirectoryServiceEndpointResourceId and StorageEndpointSuffix (<device name>.<DNS domain>, with '':<port>'' when the device answers on another port than 443, as the emulator does).'
        Parameters  = @{
            Name = 'The environment name (wildcards allowed); all when omitted.'
        }
        Examples    = @(
            @{ Code = '(Get-AzEnvironment -Name AzASE).StorageEndpointSuffix'; Remarks = 'The suffix New-AzStorageContext -Endpoint takes in the docs.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureEnvironment'
        Links       = @('Add-AzEnvironment', 'New-AzStorageContext')
    }
    'Connect-AzAccount' = @{
        Synopsis    = 'Signs in to a device''s local ARM as EdgeArmUser (Az.Accounts).'
        Description = 'Reads the device''s ARM metadata, signs in to its AD FS with the Edge ARM password and selects the device''s one subscription (Default Provider Subscription); later calls renew the token themselves. Trust is the OS trust store (import the device''s root certificate there, or on Linux into the CA bundle / SSL_CERT_FILE) and names come from the hosts file, as the docs say; -CaCertificate, -CertificateThumbprint, -DeviceIp and -HostMap are AseGpu''s own alternatives. The device facts (-GpuCount, -GpuModel, -KubernetesConfigured, -DeviceRelease) are AseGpu extras that the GPU preflight and the GPU extension use, because ARM does not expose them. Aliases: Login-AzAccount, Add-AzAccount.'
        Parameters  = @{
            Environment = 'The environment added with Add-AzEnvironment (alias EnvironmentName).'
            Credential = 'EdgeArmUser and the Edge ARM password. Without it (the UserWithSubscriptionId set) the password is prompted for.'
            Tenant = 'The tenant (aliases Domain, TenantId): c0257de7-538f-415c-993a-1b87a031879d on every device.'
            Subscription = 'Accepted (aliases SubscriptionName, SubscriptionId): the device has one subscription; another one is a warning.'
            AuthScope = 'Accepted for Az scripts: the device issues ARM tokens only.'
            ContextName = 'The name of the context (Get-AzContext shows it).'
            SkipContextPopulation = 'Accepted for Az scripts: a device has one context.'
            MaxContextPopulation = 'Accepted for Az scripts: a device has one context.'
            UseDeviceAuthentication = 'Not available on a device (it signs in with the Edge ARM password): a NotImplemented error.'
            Force = 'Accepted for Az scripts: the sign-in replaces the previous one.'
            CaCertificate = 'AseGpu extra: the device''s root CA file (PEM or DER) for this session, instead of the OS trust store.'
            CertificateThumbprint = 'AseGpu extra: SHA-256 thumbprint of the device''s (self-signed) certificate: exactly that certificate is accepted.'
            DeviceIp = 'AseGpu extra: the device''s IP address for its host names, instead of hosts-file entries.'
            HostMap = 'AseGpu extra: host name (or *.suffix) to IP address, instead of hosts-file entries.'
            GpuCount = 'AseGpu extra, a device fact: 1 or 2 GPUs (from the local web UI).'
            GpuModel = 'AseGpu extra, a device fact: T4 or A2 (otherwise inferred from the sizes the device offers).'
            KubernetesConfigured = 'AseGpu extra, a device fact: whether Kubernetes is configured (it claims every free GPU).'
            DeviceRelease = 'AseGpu extra, a device fact: the software release, e.g. 2309 (it decides the GPU extension version).'
        }
        Examples    = @(
            @{ Code = @'
$pass = ConvertTo-SecureString "<Your password>" -AsPlainText -Force;
$cred = New-Object System.Management.Automation.PSCredential("EdgeArmUser", $pass)
Connect-AzAccount -EnvironmentName AzASE -TenantId c0257de7-538f-415c-993a-1b87a031879d -credential $cred
'@; Remarks = 'The documented sign-in.' }
            @{ Code = 'Connect-AzAccount -EnvironmentName AzASE -Credential $cred -CaCertificate .\aze-root.cer -DeviceIp 10.0.0.5 -GpuCount 2 -KubernetesConfigured $false -DeviceRelease 2309'; Remarks = 'Without touching the trust store or the hosts file, and with the device facts.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureProfile (Context: Account, Subscription, Tenant, Environment)'
        Links       = @('Add-AzEnvironment', 'Get-AzContext', 'Disconnect-AzAccount')
    }
    'Disconnect-AzAccount' = @{
        Synopsis    = 'Signs out of the device (Az.Accounts).'
        Description = 'Forgets the sign-in (the password and tokens are zeroised by the library) and outputs the account. The AseGpu cmdlets share the connection: they are signed out too. Alias: Logout-AzAccount.'
        Parameters  = @{
            ContextName = 'Accepted: a device has one context.'
            AzureContext = 'The context to sign out of (from Get-AzContext).'
        }
        Examples    = @(
            @{ Code = 'Disconnect-AzAccount'; Remarks = 'Before switching to another environment, as the docs say.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureRmAccount'
        Links       = @('Connect-AzAccount', 'Get-AzContext')
    }
    'Get-AzContext' = @{
        Synopsis    = 'Gets the current context: account, subscription, tenant, environment (Az.Accounts).'
        Description = 'Outputs the context of the current sign-in (nothing when signed out); -ListAvailable gives the same one context.'
        Parameters  = @{
            Name = 'Only the context with this name (wildcards allowed).'
            ListAvailable = 'Every context (a device has one) (alias List).'
        }
        Examples    = @(
            @{ Code = 'Get-AzContext | Format-List *'; Remarks = 'Tenant c0257de7-538f-415c-993a-1b87a031879d, the Default Provider Subscription.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureContext'
        Links       = @('Set-AzContext', 'Connect-AzAccount')
    }
    'Set-AzContext' = @{
        Synopsis    = 'Selects the subscription of the context (Az.Accounts).'
        Description = 'A device has one subscription: naming it (by id or name) outputs the context; another one is a non-terminating SubscriptionNotFound error, as Az writes it. Alias: Select-AzSubscription.'
        Parameters  = @{
            Context = 'A context from Get-AzContext.'
            Subscription = 'The subscription id or name (aliases SubscriptionId, SubscriptionName).'
            Tenant = 'The tenant (aliases Domain, TenantId).'
            SubscriptionObject = 'A subscription from Get-AzSubscription.'
            TenantObject = 'A tenant object.'
            Name = 'A new name for the context.'
            Force = 'Accepted for Az scripts.'
        }
        Examples    = @(
            @{ Code = 'Set-AzContext -Subscription ''Default Provider Subscription'''; Remarks = '' }
            @{ Code = 'Select-AzSubscription -SubscriptionId (Get-AzSubscription).Id'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureContext'
        Links       = @('Get-AzContext', 'Get-AzSubscription')
    }
    'Get-AzSubscription' = @{
        Synopsis    = 'Gets the device''s subscription (Az.Accounts).'
        Description = 'Outputs the device''s one subscription, Default Provider Subscription (Id, Name, State Enabled, TenantId); an id or name that is not it is a non-terminating SubscriptionNotFound error.'
        Parameters  = @{
            SubscriptionId = 'Only this subscription id.'
            SubscriptionName = 'Only this subscription name.'
            TenantId = 'Only subscriptions of this tenant.'
        }
        Examples    = @(
            @{ Code = 'Get-AzSubscription'; Remarks = 'Default Provider Subscription.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSAzureSubscription'
        Links       = @('Connect-AzAccount', 'Get-AzContext')
    }
}
