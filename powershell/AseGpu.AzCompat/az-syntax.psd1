# Az's documented syntax of the commands AseGpu.AzCompat provides: per command, its parameter sets as Az documents
# them, each parameter as 'Name Type Mandatory Position' (M = mandatory, - = not; Position - = named), without the
# common parameters and -WhatIf/-Confirm (ShouldProcess says whether Az has them), plus the parameter aliases.
# Versions: those of the 2020-09-01-hybrid profile the device docs use (Az.Accounts 2.2.8, Az.Compute 3.3.0, and the
# profile's Az.Resources, Az.Storage and Az.Network); parameters Az added later are left out.
# Source: the Az reference (azure-powershell src/<Module>/help/<Command>.md, as published on learn.microsoft.com).
# Checked = $true: compared parameter by parameter with that help text while this table was written; $false: from the
# same reference as recalled (names, sets and positions of these are widely used; types as Az declares them).
# What AseGpu.AzCompat deliberately does not provide is listed per command with the reason (NotProvidedParameterSets,
# NotProvidedParameters), and what it adds under its own names (AseGpuExtras: never an Az parameter with another meaning).
# tests/pester/AzCompat.Syntax.Tests.ps1 compares every command's Get-Command metadata with this table.
@{
    'Add-AzEnvironment' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'Name'
        ShouldProcess = $True
        ParameterSets = @{
            'ARMEndpoint' = @(
                'Name String M 0'
                'ARMEndpoint String M 1'
                'StorageEndpoint String - 4'
                'AzureKeyVaultDnsSuffix String - 10'
                'AzureKeyVaultServiceEndpointResourceId String - 11'
                'DataLakeAudience String - 19'
                'BatchEndpointResourceId String - 20'
                'AzureOperationalInsightsEndpointResourceId String - 21'
                'AzureOperationalInsightsEndpoint String - 22'
                'AzureAnalysisServicesEndpointResourceId String - -'
                'AzureAnalysisServicesEndpointSuffix String - -'
                'AzureAttestationServiceEndpointResourceId String - -'
                'AzureAttestationServiceEndpointSuffix String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
            'Name' = @(
                'Name String M 0'
                'PublishSettingsFileUrl String - 1'
                'ServiceEndpoint String - 2'
                'ManagementPortalUrl String - 3'
                'StorageEndpoint String - 4'
                'ActiveDirectoryEndpoint String - 5'
                'ResourceManagerEndpoint String - 6'
                'GalleryEndpoint String - 7'
                'ActiveDirectoryServiceEndpointResourceId String - 8'
                'GraphEndpoint String - 9'
                'AzureKeyVaultDnsSuffix String - 10'
                'AzureKeyVaultServiceEndpointResourceId String - 11'
                'TrafficManagerDnsSuffix String - 12'
                'SqlDatabaseDnsSuffix String - 13'
                'AzureDataLakeStoreFileSystemEndpointSuffix String - 14'
                'AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix String - 15'
                'EnableAdfsAuthentication SwitchParameter - 16'
                'AdTenant String - 17'
                'GraphAudience String - 18'
                'DataLakeAudience String - 19'
                'BatchEndpointResourceId String - 20'
                'AzureOperationalInsightsEndpointResourceId String - 21'
                'AzureOperationalInsightsEndpoint String - 22'
                'AzureAnalysisServicesEndpointResourceId String - -'
                'AzureAnalysisServicesEndpointSuffix String - -'
                'AzureAttestationServiceEndpointResourceId String - -'
                'AzureAttestationServiceEndpointSuffix String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
        }
        Aliases = @{ ActiveDirectoryEndpoint = 'AdEndpointUrl,ActiveDirectory,ActiveDirectoryAuthority'; ARMEndpoint = 'ArmUrl'; BatchEndpointResourceId = 'BatchResourceId,BatchAudience'; DataLakeAudience = 'DataLakeEndpointResourceId,DataLakeResourceId'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; EnableAdfsAuthentication = 'OnPremise'; GalleryEndpoint = 'Gallery,GalleryUrl'; GraphAudience = 'GraphEndpointResourceId,GraphResourceId'; GraphEndpoint = 'Graph,GraphUrl'; ResourceManagerEndpoint = 'ResourceManager,ResourceManagerUrl'; ServiceEndpoint = 'ServiceManagement,ServiceManagementUrl'; StorageEndpoint = 'StorageEndpointSuffix' }
        Checked = $true
    }
    'Add-AzVhd' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'DefaultParameterSet'
        ShouldProcess = $False
        ParameterSets = @{
            'DefaultParameterSet' = @(
                'ResourceGroupName String M 0'
                'Destination Uri M 1'
                'LocalFilePath FileInfo M 2'
                'NumberOfUploaderThreads Int32 - 3'
                'BaseImageUriToPatch Uri - 4'
                'OverWrite SwitchParameter - 5'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ BaseImageUriToPatch = 'bs'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Destination = 'dst'; LocalFilePath = 'lf'; NumberOfUploaderThreads = 'th'; OverWrite = 'o' }
        Checked = $false
    }
    'Add-AzVMNetworkInterface' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'GetNicFromNicId'
        ShouldProcess = $False
        ParameterSets = @{
            'GetNicFromNicId' = @(
                'VM PSVirtualMachine M 0'
                'Id String M 1'
                'DefaultProfile IAzureContextContainer - -'
                'Primary SwitchParameter - -'
            )
            'GetNicFromNicObject' = @(
                'VM PSVirtualMachine M 0'
                'NetworkInterface PSNetworkInterface[] M 1'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Id = 'NicId,NetworkInterfaceId'; VM = 'VMProfile' }
        Checked = $false
    }
    'Connect-AzAccount' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'UserWithSubscriptionId'
        ShouldProcess = $True
        ParameterSets = @{
            'UserWithCredential' = @(
                'AuthScope String - -'
                'ContextName String - -'
                'Credential PSCredential M -'
                'DefaultProfile IAzureContextContainer - -'
                'Environment String - -'
                'Force SwitchParameter - -'
                'MaxContextPopulation Int32 - -'
                'Scope ContextModificationScope - -'
                'SkipContextPopulation SwitchParameter - -'
                'Subscription String - -'
                'Tenant String - -'
            )
            'UserWithSubscriptionId' = @(
                'AuthScope String - -'
                'ContextName String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Environment String - -'
                'Force SwitchParameter - -'
                'MaxContextPopulation Int32 - -'
                'Scope ContextModificationScope - -'
                'SkipContextPopulation SwitchParameter - -'
                'Subscription String - -'
                'Tenant String - -'
                'UseDeviceAuthentication SwitchParameter - -'
            )
        }
        Aliases = @{ AuthScope = 'AuthScopeTypeName'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Environment = 'EnvironmentName'; Subscription = 'SubscriptionName,SubscriptionId'; Tenant = 'Domain,TenantId'; UseDeviceAuthentication = 'DeviceCode,DeviceAuth,Device' }
        Checked = $true
        NotProvidedParameterSets = @{
            'ServicePrincipalWithSubscriptionId' = 'the device signs in EdgeArmUser with its Edge ARM password (AD FS password grant)'
            'ServicePrincipalCertificateWithSubscriptionId' = 'no certificate sign-in on a device'
            'AccessTokenWithSubscriptionId' = 'the library obtains and renews the device token itself'
            'ManagedServiceLogin' = 'no managed identities on a device'
        }
        AseGpuExtras = @{
            'CaCertificate' = 'the device''s root CA file for this session (the documented way: the OS trust store)'
            'CertificateThumbprint' = 'SHA-256 pin of the device''s self-signed certificate'
            'DeviceIp' = 'the device''s IP for its host names (the documented way: the hosts file)'
            'HostMap' = 'host name to IP address (the documented way: the hosts file)'
            'GpuCount' = 'device fact ARM does not expose (the GPU preflight uses it)'
            'GpuModel' = 'device fact: T4 or A2'
            'KubernetesConfigured' = 'device fact: whether Kubernetes claims the free GPUs'
            'DeviceRelease' = 'device fact: the software release (the GPU extension version)'
        }
    }
    'Disconnect-AzAccount' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'ContextNameParameterSet'
        ShouldProcess = $True
        ParameterSets = @{
            'ContextNameParameterSet' = @(
                'ContextName String - 0'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
            'ContextObjectParameterSet' = @(
                'AzureContext PSAzureContext M -'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
    }
    'Get-AzContext' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'GetSingleContext'
        ShouldProcess = $False
        ParameterSets = @{
            'GetSingleContext' = @(
                'Name String - 0'
                'DefaultProfile IAzureContextContainer - -'
            )
            'ListAllContexts' = @(
                'DefaultProfile IAzureContextContainer - -'
                'ListAvailable SwitchParameter M -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; ListAvailable = 'List' }
        Checked = $false
    }
    'Get-AzDisk' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'DefaultParameter'
        ShouldProcess = $False
        ParameterSets = @{
            'DefaultParameter' = @(
                'ResourceGroupName String - 0'
                'DiskName String - 1'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; DiskName = 'Name' }
        Checked = $false
    }
    'Get-AzEnvironment' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = ''
        ShouldProcess = $False
        ParameterSets = @{
            '__AllParameterSets' = @(
                'Name String - 0'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
    }
    'Get-AzImage' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $False
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String - 0'
                'ImageName String - 1'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; ImageName = 'Name' }
        Checked = $false
    }
    'Get-AzNetworkInterface' = @{
        Module = 'Az.Network'
        DefaultParameterSet = 'NoExpandStandAloneNic'
        ShouldProcess = $False
        ParameterSets = @{
            'GetByResourceIdNoExpandParameterSet' = @(
                'DefaultProfile IAzureContextContainer - -'
                'ResourceId String M -'
            )
            'NoExpandStandAloneNic' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Name String - -'
                'ResourceGroupName String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName' }
        Checked = $false
        NotProvidedParameterSets = @{
            'ExpandStandAloneNic' = '-ExpandResource adds nothing on a device'
            'NoExpandScaleSetNic' = 'no scale sets on a device'
            'ExpandScaleSetNic' = 'no scale sets on a device'
            'GetByResourceIdExpandParameterSet' = '-ExpandResource adds nothing on a device'
        }
    }
    'Get-AzResourceGroup' = @{
        Module = 'Az.Resources'
        DefaultParameterSet = 'GetByResourceGroupName'
        ShouldProcess = $False
        ParameterSets = @{
            'GetByResourceGroupId' = @(
                'Location String - 1'
                'ApiVersion String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Id String M -'
                'Pre SwitchParameter - -'
            )
            'GetByResourceGroupName' = @(
                'Name String - 0'
                'Location String - 1'
                'ApiVersion String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Pre SwitchParameter - -'
                'Tag Hashtable - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Id = 'ResourceGroupId,ResourceId'; Name = 'ResourceGroupName' }
        Checked = $false
    }
    'Get-AzResourceGroupDeployment' = @{
        Module = 'Az.Resources'
        DefaultParameterSet = 'GetByResourceGroupDeploymentName'
        ShouldProcess = $False
        ParameterSets = @{
            'GetByResourceGroupDeploymentId' = @(
                'ApiVersion String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Id String M -'
                'Pre SwitchParameter - -'
            )
            'GetByResourceGroupDeploymentName' = @(
                'ResourceGroupName String M 0'
                'Name String - 1'
                'ApiVersion String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Pre SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Id = 'DeploymentId,ResourceId'; Name = 'DeploymentName' }
        Checked = $false
    }
    'Get-AzStorageAccount' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = 'ResourceGroupParameterSet'
        ShouldProcess = $False
        ParameterSets = @{
            'AccountNameParameterSet' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'DefaultProfile IAzureContextContainer - -'
                'IncludeGeoReplicationStats SwitchParameter - -'
            )
            'ResourceGroupParameterSet' = @(
                'ResourceGroupName String - 0'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'StorageAccountName,AccountName' }
        Checked = $false
    }
    'Get-AzStorageAccountKey' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = ''
        ShouldProcess = $False
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'DefaultProfile IAzureContextContainer - -'
                'ListKerbKey SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'StorageAccountName,AccountName' }
        Checked = $false
    }
    'Get-AzSubscription' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'ListByIdInTenant'
        ShouldProcess = $False
        ParameterSets = @{
            'ListByIdInTenant' = @(
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'SubscriptionId String - -'
                'TenantId String - -'
            )
            'ListByNameInTenant' = @(
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'SubscriptionName String - -'
                'TenantId String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
    }
    'Get-AzVirtualNetwork' = @{
        Module = 'Az.Network'
        DefaultParameterSet = 'ListParameterSet'
        ShouldProcess = $False
        ParameterSets = @{
            'GetByResourceNameExpandParameterSet' = @(
                'DefaultProfile IAzureContextContainer - -'
                'ExpandResource String M -'
                'Name String M -'
                'ResourceGroupName String M -'
            )
            'ListParameterSet' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Name String - -'
                'ResourceGroupName String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName' }
        Checked = $false
    }
    'Get-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'DefaultParamSet'
        ShouldProcess = $False
        ParameterSets = @{
            'DefaultParamSet' = @(
                'ResourceGroupName String - 0'
                'Name String - 1'
                'DefaultProfile IAzureContextContainer - -'
                'Status SwitchParameter - -'
            )
            'GetVirtualMachineInResourceGroupParamSet' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'DefaultProfile IAzureContextContainer - -'
                'DisplayHint DisplayHintType - -'
                'Status SwitchParameter - -'
            )
            'ListLocationVirtualMachinesParamSet' = @(
                'Location String M 0'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName,VMName' }
        Checked = $false
        NotProvidedParameterSets = @{
            'ListNextLinkVirtualMachinesParamSet' = 'the device''s lists are not paged'
        }
    }
    'Get-AzVMExtension' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $False
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'VMName String M 1'
                'Name String - 2'
                'DefaultProfile IAzureContextContainer - -'
                'Status SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ExtensionName'; VMName = 'ResourceName' }
        Checked = $false
    }
    'New-AzDisk' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'DiskName String M 1'
                'Disk PSDisk M 2'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; DiskName = 'Name' }
        Checked = $false
    }
    'New-AzDiskConfig' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'SkuName String - 0'
                'OsType OperatingSystemTypes - 1'
                'DiskSizeGB Int32 - 2'
                'Location String - 3'
                'CreateOption String - -'
                'DefaultProfile IAzureContextContainer - -'
                'DiskIOPSReadWrite Int32 - -'
                'DiskMBpsReadWrite Int32 - -'
                'HyperVGeneration String - -'
                'SourceResourceId String - -'
                'SourceUri String - -'
                'StorageAccountId String - -'
                'Tag Hashtable - -'
                'UploadSizeInBytes Int64 - -'
                'Zone String[] - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; SkuName = 'AccountType' }
        Checked = $false
        NotProvidedParameters = @{
            'ImageReference' = 'disks from platform images: no marketplace on a device'
            'EncryptionSettingsEnabled' = 'no Key Vault disk encryption on a device'
            'DiskEncryptionKey' = 'no Key Vault disk encryption on a device'
            'KeyEncryptionKey' = 'no Key Vault disk encryption on a device'
            'DiskEncryptionSetId' = 'no disk encryption sets on a device'
            'EncryptionType' = 'no disk encryption sets on a device'
        }
    }
    'New-AzImage' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'ImageName String M 1'
                'Image PSImage M 2'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; ImageName = 'Name' }
        Checked = $true
    }
    'New-AzImageConfig' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'Location String - 0'
                'Tag Hashtable - 1'
                'SourceVirtualMachineId String - 2'
                'OsDisk ImageOSDisk - 3'
                'DefaultProfile IAzureContextContainer - -'
                'HyperVGeneration String - -'
                'ZoneResilient SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
        NotProvidedParameters = @{
            'DataDisk' = 'images of the device have an OS disk only (Add-AzImageDataDisk is not provided)'
        }
    }
    'New-AzNetworkInterface' = @{
        Module = 'Az.Network'
        DefaultParameterSet = 'SetByResourceId'
        ShouldProcess = $True
        ParameterSets = @{
            'SetByIpConfigurationResourceId' = @(
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DnsServer String[] - -'
                'EnableAcceleratedNetworking SwitchParameter - -'
                'EnableIPForwarding SwitchParameter - -'
                'Force SwitchParameter - -'
                'InternalDnsNameLabel String - -'
                'IpConfiguration PSNetworkInterfaceIPConfiguration[] M -'
                'Location String M -'
                'Name String M -'
                'NetworkSecurityGroupId String - -'
                'ResourceGroupName String M -'
                'Tag Hashtable - -'
            )
            'SetByResource' = @(
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DnsServer String[] - -'
                'EnableAcceleratedNetworking SwitchParameter - -'
                'EnableIPForwarding SwitchParameter - -'
                'Force SwitchParameter - -'
                'InternalDnsNameLabel String - -'
                'IpConfigurationName String - -'
                'Location String M -'
                'Name String M -'
                'PrivateIpAddress String - -'
                'ResourceGroupName String M -'
                'Subnet PSSubnet M -'
                'Tag Hashtable - -'
            )
            'SetByResourceId' = @(
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DnsServer String[] - -'
                'EnableAcceleratedNetworking SwitchParameter - -'
                'EnableIPForwarding SwitchParameter - -'
                'Force SwitchParameter - -'
                'InternalDnsNameLabel String - -'
                'IpConfigurationName String - -'
                'Location String M -'
                'Name String M -'
                'NetworkSecurityGroupId String - -'
                'PrivateIpAddress String - -'
                'PublicIpAddressId String - -'
                'ResourceGroupName String M -'
                'SubnetId String M -'
                'Tag Hashtable - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName' }
        Checked = $false
        NotProvidedParameterSets = @{
            'SetByIpConfigurationResource' = '-IpConfiguration with a -NetworkSecurityGroup object: a device has no NSGs (SetByIpConfigurationResourceId covers -IpConfiguration)'
        }
        NotProvidedParameters = @{
            'PublicIpAddress' = 'PSPublicIpAddress objects are not made here (-PublicIpAddressId is taken)'
            'NetworkSecurityGroup' = 'no NSGs on a device'
            'LoadBalancerBackendAddressPool' = 'no load balancers on a device'
            'LoadBalancerInboundNatRule' = 'no load balancers on a device'
            'ApplicationGatewayBackendAddressPool' = 'no application gateways on a device'
            'ApplicationSecurityGroup' = 'no application security groups on a device'
            'LoadBalancerBackendAddressPoolId' = 'no load balancers on a device'
            'LoadBalancerInboundNatRuleId' = 'no load balancers on a device'
            'ApplicationGatewayBackendAddressPoolId' = 'no application gateways on a device'
            'ApplicationSecurityGroupId' = 'no application security groups on a device'
        }
    }
    'New-AzNetworkInterfaceIpConfig' = @{
        Module = 'Az.Network'
        DefaultParameterSet = 'SetByResource'
        ShouldProcess = $False
        ParameterSets = @{
            'SetByResource' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Name String M -'
                'Primary SwitchParameter - -'
                'PrivateIpAddress String - -'
                'PrivateIpAddressVersion String - -'
                'Subnet PSSubnet - -'
            )
            'SetByResourceId' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Name String M -'
                'Primary SwitchParameter - -'
                'PrivateIpAddress String - -'
                'PrivateIpAddressVersion String - -'
                'PublicIpAddressId String - -'
                'SubnetId String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
        NotProvidedParameters = @{
            'PublicIpAddress' = 'PSPublicIpAddress objects are not made here (-PublicIpAddressId is taken)'
            'LoadBalancerBackendAddressPool' = 'no load balancers on a device'
            'LoadBalancerInboundNatRule' = 'no load balancers on a device'
            'ApplicationGatewayBackendAddressPool' = 'no application gateways on a device'
            'ApplicationSecurityGroup' = 'no application security groups on a device'
            'LoadBalancerBackendAddressPoolId' = 'no load balancers on a device'
            'LoadBalancerInboundNatRuleId' = 'no load balancers on a device'
            'ApplicationGatewayBackendAddressPoolId' = 'no application gateways on a device'
            'ApplicationSecurityGroupId' = 'no application security groups on a device'
        }
    }
    'New-AzResourceGroup' = @{
        Module = 'Az.Resources'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'Name String M 0'
                'Location String M 1'
                'ApiVersion String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Pre SwitchParameter - -'
                'Tag Hashtable - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceGroupName'; Tag = 'Tags' }
        Checked = $false
    }
    'New-AzResourceGroupDeployment' = @{
        Module = 'Az.Resources'
        DefaultParameterSet = 'ByTemplateFileWithNoParameters'
        ShouldProcess = $True
        ParameterSets = @{
            'ByTemplateFileAndParameterFile' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateFile String M -'
                'TemplateParameterFile String M -'
            )
            'ByTemplateFileAndParameterObject' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateFile String M -'
                'TemplateParameterObject Hashtable M -'
            )
            'ByTemplateFileAndParameterUri' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateFile String M -'
                'TemplateParameterUri String M -'
            )
            'ByTemplateFileWithNoParameters' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateFile String M -'
            )
            'ByTemplateObjectAndParameterFile' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateObject Hashtable M -'
                'TemplateParameterFile String M -'
            )
            'ByTemplateObjectAndParameterObject' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateObject Hashtable M -'
                'TemplateParameterObject Hashtable M -'
            )
            'ByTemplateObjectAndParameterUri' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateObject Hashtable M -'
                'TemplateParameterUri String M -'
            )
            'ByTemplateObjectWithNoParameters' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateObject Hashtable M -'
            )
            'ByTemplateUriAndParameterFile' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateParameterFile String M -'
                'TemplateUri String M -'
            )
            'ByTemplateUriAndParameterObject' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateParameterObject Hashtable M -'
                'TemplateUri String M -'
            )
            'ByTemplateUriAndParameterUri' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateParameterUri String M -'
                'TemplateUri String M -'
            )
            'ByTemplateUriWithNoParameters' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DeploymentDebugLogLevel String - -'
                'Force SwitchParameter - -'
                'Mode DeploymentMode - -'
                'Name String - -'
                'Pre SwitchParameter - -'
                'ResourceGroupName String M -'
                'RollBackDeploymentName String - -'
                'RollbackToLastDeployment SwitchParameter - -'
                'SkipTemplateParameterPrompt SwitchParameter - -'
                'TemplateUri String M -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'DeploymentName' }
        Checked = $true
        AseGpuExtras = @{
            'SkipGpuPreflight' = 'deploy even when the GPU preflight says the deployment will fail (-Force keeps its Az meaning: no confirmation)'
        }
    }
    'New-AzStorageAccount' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'SkuName String M 2'
                'Location String M 3'
                'AccessTier String - -'
                'AsJob SwitchParameter - -'
                'AssignIdentity SwitchParameter - -'
                'CustomDomainName String - -'
                'DefaultProfile IAzureContextContainer - -'
                'EnableHierarchicalNamespace Boolean - -'
                'EnableHttpsTrafficOnly Boolean - -'
                'EnableLargeFileShare SwitchParameter - -'
                'Kind String - -'
                'Tag Hashtable - -'
                'UseSubDomain Boolean - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'StorageAccountName,AccountName'; SkuName = 'StorageAccountType,AccountType,Type'; Tag = 'Tags' }
        Checked = $false
        NotProvidedParameters = @{
            'NetworkRuleSet' = 'no storage firewall on a device'
            'EnableAzureActiveDirectoryDomainServicesForFile' = 'no file service on a device'
        }
    }
    'New-AzStorageAccountSASToken' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = ''
        ShouldProcess = $False
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ClientTimeoutPerRequest Int32 - -'
                'ConcurrentTaskCount Int32 - -'
                'Context IStorageContext - -'
                'DefaultProfile IAzureContextContainer - -'
                'ExpiryTime DateTime - -'
                'IPAddressOrRange String - -'
                'Permission String - -'
                'Protocol SharedAccessProtocol - -'
                'ResourceType SharedAccessAccountResourceTypes M -'
                'ServerTimeoutPerRequest Int32 - -'
                'Service SharedAccessAccountServices M -'
                'StartTime DateTime - -'
            )
        }
        Aliases = @{ ClientTimeoutPerRequest = 'ClientTimeoutPerRequestInSeconds'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; ServerTimeoutPerRequest = 'ServerTimeoutPerRequestInSeconds' }
        Checked = $true
    }
    'New-AzStorageContainer' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = 'ContainerName'
        ShouldProcess = $False
        ParameterSets = @{
            'ContainerName' = @(
                'Name String M 0'
                'Permission BlobContainerPublicAccessType - 1'
                'ClientTimeoutPerRequest Int32 - -'
                'ConcurrentTaskCount Int32 - -'
                'Context IStorageContext - -'
                'DefaultProfile IAzureContextContainer - -'
                'ServerTimeoutPerRequest Int32 - -'
            )
        }
        Aliases = @{ ClientTimeoutPerRequest = 'ClientTimeoutPerRequestInSeconds'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'N,Container'; Permission = 'PublicAccess'; ServerTimeoutPerRequest = 'ServerTimeoutPerRequestInSeconds' }
        Checked = $false
        AseGpuShouldProcess = 'it creates the container on the device, so -WhatIf/-Confirm are offered (Az has none)'
    }
    'New-AzStorageContext' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = 'AccountNameAndKey'
        ShouldProcess = $False
        ParameterSets = @{
            'AccountNameAndKey' = @(
                'StorageAccountName String M 0'
                'StorageAccountKey String M 1'
                'Endpoint String - -'
                'Protocol String - -'
            )
            'AccountNameAndKeyEnvironment' = @(
                'StorageAccountName String M 0'
                'StorageAccountKey String M 1'
                'Environment String M -'
                'Protocol String - -'
            )
        }
        Aliases = @{ Environment = 'Name,EnvironmentName' }
        Checked = $false
        NotProvidedParameterSets = @{
            'SasToken' = 'the VHD upload signs with the account key'
            'SasTokenWithAzureEnvironment' = 'the VHD upload signs with the account key'
            'ConnectionString' = 'use -StorageAccountName/-StorageAccountKey/-Endpoint as the docs do'
            'LocalDevelopment' = 'no storage emulator on a device'
            'AnonymousAccount' = 'the containers are private'
            'OAuthAccount' = 'no Azure AD storage tokens on a device'
        }
    }
    'New-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'SimpleParameterSet'
        ShouldProcess = $True
        ParameterSets = @{
            'DefaultParameterSet' = @(
                'ResourceGroupName String M 0'
                'Location String M 1'
                'VM PSVirtualMachine M 2'
                'Zone String[] - 3'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DisableBginfoExtension SwitchParameter - -'
                'LicenseType String - -'
                'Tag Hashtable - -'
            )
            'SimpleParameterSet' = @(
                'ResourceGroupName String - 0'
                'Location String - 1'
                'Zone String[] - 2'
                'AddressPrefix String - -'
                'AllocationMethod String - -'
                'AsJob SwitchParameter - -'
                'AvailabilitySetName String - -'
                'Credential PSCredential M -'
                'DataDiskSizeInGb Int32[] - -'
                'DefaultProfile IAzureContextContainer - -'
                'DomainNameLabel String - -'
                'EnableUltraSSD SwitchParameter - -'
                'Image String - -'
                'Name String M -'
                'OpenPorts Int32[] - -'
                'ProximityPlacementGroup String - -'
                'PublicIpAddressName String - -'
                'SecurityGroupName String - -'
                'Size String - -'
                'SubnetAddressPrefix String - -'
                'SubnetName String - -'
                'SystemAssignedIdentity SwitchParameter - -'
                'UserAssignedIdentity String - -'
                'VirtualNetworkName String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Image = 'ImageName'; Tag = 'Tags'; VM = 'VMProfile' }
        Checked = $true
        NotProvidedParameterSets = @{
            'DiskFileParameterSet' = 'it makes a storage account, public IP and NSG for a local VHD: on a device use Add-AzVhd, New-AzDisk and New-AzVM -VM'
        }
        AseGpuExtras = @{
            'SkipGpuPreflight' = 'create the VM even when the GPU preflight says it will fail'
        }
    }
    'New-AzVMConfig' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'DefaultParameterSet'
        ShouldProcess = $False
        ParameterSets = @{
            'DefaultParameterSet' = @(
                'VMName String M 0'
                'VMSize String M 1'
                'AvailabilitySetId String - 2'
                'LicenseType String - 3'
                'DefaultProfile IAzureContextContainer - -'
                'EnableUltraSSD SwitchParameter - -'
                'EvictionPolicy String - -'
                'HostId String - -'
                'MaxPrice Double - -'
                'Priority String - -'
                'ProximityPlacementGroupId String - -'
                'Tags Hashtable - -'
                'Zone String[] - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; VMName = 'ResourceName,Name' }
        Checked = $false
        NotProvidedParameterSets = @{
            'ExplicitIdentityParameterSet' = 'no managed identities on a device'
        }
    }
    'Remove-AzResourceGroup' = @{
        Module = 'Az.Resources'
        DefaultParameterSet = 'RemoveByResourceGroupName'
        ShouldProcess = $True
        ParameterSets = @{
            'RemoveByResourceGroupId' = @(
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Id String M -'
                'Pre SwitchParameter - -'
            )
            'RemoveByResourceGroupName' = @(
                'Name String M 0'
                'ApiVersion String - -'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Pre SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Id = 'ResourceGroupId,ResourceId'; Name = 'ResourceGroupName' }
        Checked = $false
    }
    'Remove-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'ResourceGroupNameParameterSetName'
        ShouldProcess = $True
        ParameterSets = @{
            'IdParameterSetName' = @(
                'Id String M 0'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'NoWait SwitchParameter - -'
            )
            'ResourceGroupNameParameterSetName' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'NoWait SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName,VMName' }
        Checked = $false
    }
    'Remove-AzVMExtension' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'ResourceGroupName String M 0'
                'VMName String M 1'
                'Name String M 2'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'NoWait SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ExtensionName'; VMName = 'ResourceName' }
        Checked = $false
    }
    'Restart-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'ResourceGroupNameParameterSetName'
        ShouldProcess = $True
        ParameterSets = @{
            'IdParameterSetName' = @(
                'Id String M 0'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'NoWait SwitchParameter - -'
            )
            'ResourceGroupNameParameterSetName' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'NoWait SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName,VMName' }
        Checked = $false
    }
    'Set-AzContext' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'Subscription'
        ShouldProcess = $True
        ParameterSets = @{
            'ContextObject' = @(
                'Context PSAzureContext M 0'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Scope ContextModificationScope - -'
            )
            'Subscription' = @(
                'Subscription String M 0'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Name String - -'
                'Scope ContextModificationScope - -'
                'Tenant String - -'
            )
            'SubscriptionObject' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Name String - -'
                'Scope ContextModificationScope - -'
                'SubscriptionObject PSAzureSubscription M -'
            )
            'Tenant' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Name String - -'
                'Scope ContextModificationScope - -'
                'Tenant String M -'
            )
            'TenantObject' = @(
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Name String - -'
                'Scope ContextModificationScope - -'
                'TenantObject PSAzureTenant M -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Subscription = 'SubscriptionId,SubscriptionName'; Tenant = 'Domain,TenantId' }
        Checked = $false
    }
    'Set-AzEnvironment' = @{
        Module = 'Az.Accounts 2.2.8'
        DefaultParameterSet = 'Name'
        ShouldProcess = $True
        ParameterSets = @{
            'ARMEndpoint' = @(
                'Name String M 0'
                'ARMEndpoint String M 1'
                'StorageEndpoint String - 4'
                'AzureKeyVaultDnsSuffix String - 10'
                'AzureKeyVaultServiceEndpointResourceId String - 11'
                'DataLakeAudience String - 19'
                'BatchEndpointResourceId String - 20'
                'AzureOperationalInsightsEndpointResourceId String - 21'
                'AzureOperationalInsightsEndpoint String - 22'
                'AzureAnalysisServicesEndpointResourceId String - -'
                'AzureAnalysisServicesEndpointSuffix String - -'
                'AzureAttestationServiceEndpointResourceId String - -'
                'AzureAttestationServiceEndpointSuffix String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
            'Name' = @(
                'Name String M 0'
                'PublishSettingsFileUrl String - 1'
                'ServiceEndpoint String - 2'
                'ManagementPortalUrl String - 3'
                'StorageEndpoint String - 4'
                'ActiveDirectoryEndpoint String - 5'
                'ResourceManagerEndpoint String - 6'
                'GalleryEndpoint String - 7'
                'ActiveDirectoryServiceEndpointResourceId String - 8'
                'GraphEndpoint String - 9'
                'AzureKeyVaultDnsSuffix String - 10'
                'AzureKeyVaultServiceEndpointResourceId String - 11'
                'TrafficManagerDnsSuffix String - 12'
                'SqlDatabaseDnsSuffix String - 13'
                'AzureDataLakeStoreFileSystemEndpointSuffix String - 14'
                'AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix String - 15'
                'EnableAdfsAuthentication SwitchParameter - 16'
                'AdTenant String - 17'
                'GraphAudience String - 18'
                'DataLakeAudience String - 19'
                'BatchEndpointResourceId String - 20'
                'AzureOperationalInsightsEndpointResourceId String - 21'
                'AzureOperationalInsightsEndpoint String - 22'
                'AzureAnalysisServicesEndpointResourceId String - -'
                'AzureAnalysisServicesEndpointSuffix String - -'
                'AzureAttestationServiceEndpointResourceId String - -'
                'AzureAttestationServiceEndpointSuffix String - -'
                'DefaultProfile IAzureContextContainer - -'
                'Scope ContextModificationScope - -'
            )
        }
        Aliases = @{ ActiveDirectoryEndpoint = 'AdEndpointUrl,ActiveDirectory,ActiveDirectoryAuthority'; ARMEndpoint = 'ArmUrl'; BatchEndpointResourceId = 'BatchResourceId,BatchAudience'; DataLakeAudience = 'DataLakeEndpointResourceId,DataLakeResourceId'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; EnableAdfsAuthentication = 'OnPremise'; GalleryEndpoint = 'Gallery,GalleryUrl'; GraphAudience = 'GraphEndpointResourceId,GraphResourceId'; GraphEndpoint = 'Graph,GraphUrl'; ResourceManagerEndpoint = 'ResourceManager,ResourceManagerUrl'; ServiceEndpoint = 'ServiceManagement,ServiceManagementUrl'; StorageEndpoint = 'StorageEndpointSuffix' }
        Checked = $false
    }
    'Set-AzImageOsDisk' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = ''
        ShouldProcess = $True
        ParameterSets = @{
            '__AllParameterSets' = @(
                'Image PSImage M 0'
                'OsType OperatingSystemTypes - 1'
                'OsState OperatingSystemStateTypes - 2'
                'BlobUri String - 3'
                'Caching CachingTypes - 4'
                'DiskSizeGB Int32 - 5'
                'StorageAccountType String - 6'
                'DefaultProfile IAzureContextContainer - -'
                'DiskEncryptionSetId String - -'
                'ManagedDiskId String - -'
                'SnapshotId String - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential' }
        Checked = $false
    }
    'Set-AzStorageBlobContent' = @{
        Module = 'Az.Storage'
        DefaultParameterSet = 'SendManual'
        ShouldProcess = $True
        ParameterSets = @{
            'SendManual' = @(
                'File String M 0'
                'Container String M 1'
                'AsJob SwitchParameter - -'
                'Blob String - -'
                'BlobType String - -'
                'ClientTimeoutPerRequest Int32 - -'
                'ConcurrentTaskCount Int32 - -'
                'Context IStorageContext - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'Metadata Hashtable - -'
                'PremiumPageBlobTier PremiumPageBlobTier - -'
                'Properties Hashtable - -'
                'ServerTimeoutPerRequest Int32 - -'
                'StandardBlobTier String - -'
            )
        }
        Aliases = @{ ClientTimeoutPerRequest = 'ClientTimeoutPerRequestInSeconds'; DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; File = 'FullName'; ServerTimeoutPerRequest = 'ServerTimeoutPerRequestInSeconds' }
        Checked = $false
        NotProvidedParameterSets = @{
            'ContainerPipeline' = 'takes the Azure.Storage CloudBlobContainer object, which is not made here'
            'BlobPipeline' = 'takes the Azure.Storage CloudBlob object, which is not made here'
        }
    }
    'Set-AzVMExtension' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'SettingsHashtable'
        ShouldProcess = $True
        ParameterSets = @{
            'SettingsHashtable' = @(
                'ResourceGroupName String M 0'
                'VMName String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DisableAutoUpgradeMinorVersion SwitchParameter - -'
                'ExtensionType String M -'
                'ForceRerun String - -'
                'Location String - -'
                'Name String M -'
                'NoWait SwitchParameter - -'
                'ProtectedSettings Hashtable - -'
                'Publisher String M -'
                'Settings Hashtable - -'
                'TypeHandlerVersion String M -'
            )
            'SettingString' = @(
                'ResourceGroupName String M 0'
                'VMName String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'DisableAutoUpgradeMinorVersion SwitchParameter - -'
                'ExtensionType String M -'
                'ForceRerun String - -'
                'Location String - -'
                'Name String M -'
                'NoWait SwitchParameter - -'
                'ProtectedSettingString String - -'
                'Publisher String M -'
                'SettingString String - -'
                'TypeHandlerVersion String M -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; ExtensionType = 'Type'; Name = 'ExtensionName'; TypeHandlerVersion = 'HandlerVersion,Version'; VMName = 'ResourceName' }
        Checked = $false
    }
    'Set-AzVMOperatingSystem' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'Windows'
        ShouldProcess = $False
        ParameterSets = @{
            'Linux' = @(
                'VM PSVirtualMachine M 0'
                'Linux SwitchParameter - 1'
                'ComputerName String - 2'
                'Credential PSCredential - 3'
                'CustomData String - 4'
                'DisablePasswordAuthentication SwitchParameter - 5'
                'DefaultProfile IAzureContextContainer - -'
            )
            'Windows' = @(
                'VM PSVirtualMachine M 0'
                'Windows SwitchParameter - 1'
                'ComputerName String - 2'
                'Credential PSCredential - 3'
                'CustomData String - 4'
                'ProvisionVMAgent SwitchParameter - 5'
                'EnableAutoUpdate SwitchParameter - 6'
                'TimeZone String - 7'
                'DefaultProfile IAzureContextContainer - -'
                'WinRMHttp SwitchParameter - -'
            )
            'WindowsWinRmHttps' = @(
                'VM PSVirtualMachine M 0'
                'Windows SwitchParameter - 1'
                'ComputerName String - 2'
                'Credential PSCredential - 3'
                'CustomData String - 4'
                'ProvisionVMAgent SwitchParameter - 5'
                'EnableAutoUpdate SwitchParameter - 6'
                'TimeZone String - 7'
                'DefaultProfile IAzureContextContainer - -'
                'WinRMCertificateUrl Uri M -'
                'WinRMHttp SwitchParameter - -'
                'WinRMHttps SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; VM = 'VMProfile' }
        Checked = $true
    }
    'Set-AzVMOSDisk' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'DefaultParamSet'
        ShouldProcess = $False
        ParameterSets = @{
            'DefaultParamSet' = @(
                'VM PSVirtualMachine M 0'
                'Name String - 1'
                'VhdUri String - 2'
                'Caching CachingTypes - 3'
                'SourceImageUri String - 4'
                'CreateOption String - 5'
                'DefaultProfile IAzureContextContainer - -'
                'DiffDiskSetting String - -'
                'DiskEncryptionSetId String - -'
                'DiskSizeInGB Int32 - -'
                'ManagedDiskId String - -'
                'StorageAccountType String - -'
                'WriteAccelerator SwitchParameter - -'
            )
            'LinuxParamSet' = @(
                'VM PSVirtualMachine M 0'
                'Name String - 1'
                'VhdUri String - 2'
                'Caching CachingTypes - 3'
                'SourceImageUri String - 4'
                'CreateOption String - 5'
                'Linux SwitchParameter M 6'
                'DefaultProfile IAzureContextContainer - -'
                'DiffDiskSetting String - -'
                'DiskEncryptionSetId String - -'
                'DiskSizeInGB Int32 - -'
                'ManagedDiskId String - -'
                'StorageAccountType String - -'
                'WriteAccelerator SwitchParameter - -'
            )
            'WindowsParamSet' = @(
                'VM PSVirtualMachine M 0'
                'Name String - 1'
                'VhdUri String - 2'
                'Caching CachingTypes - 3'
                'SourceImageUri String - 4'
                'CreateOption String - 5'
                'Windows SwitchParameter M 6'
                'DefaultProfile IAzureContextContainer - -'
                'DiffDiskSetting String - -'
                'DiskEncryptionSetId String - -'
                'DiskSizeInGB Int32 - -'
                'ManagedDiskId String - -'
                'StorageAccountType String - -'
                'WriteAccelerator SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'OSDiskName,DiskName'; SourceImageUri = 'SourceImage'; VhdUri = 'OSDiskVhdUri,DiskVhdUri'; VM = 'VMProfile' }
        Checked = $false
        NotProvidedParameterSets = @{
            'WindowsDiskEncryptionParameterSet' = 'no Key Vault disk encryption on a device'
            'LinuxDiskEncryptionParameterSet' = 'no Key Vault disk encryption on a device'
        }
    }
    'Set-AzVMSourceImage' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'ImageReferenceParameterSet'
        ShouldProcess = $False
        ParameterSets = @{
            'ImageIdParameterSet' = @(
                'VM PSVirtualMachine M 0'
                'Id String M 1'
                'DefaultProfile IAzureContextContainer - -'
            )
            'ImageReferenceParameterSet' = @(
                'VM PSVirtualMachine M 0'
                'PublisherName String M 1'
                'Offer String M 2'
                'Skus String M 3'
                'Version String M 4'
                'DefaultProfile IAzureContextContainer - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; VM = 'VMProfile' }
        Checked = $false
    }
    'Start-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'ResourceGroupNameParameterSetName'
        ShouldProcess = $True
        ParameterSets = @{
            'IdParameterSetName' = @(
                'Id String M 0'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'NoWait SwitchParameter - -'
            )
            'ResourceGroupNameParameterSetName' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'NoWait SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName,VMName' }
        Checked = $false
    }
    'Stop-AzVM' = @{
        Module = 'Az.Compute 3.3.0'
        DefaultParameterSet = 'ResourceGroupNameParameterSetName'
        ShouldProcess = $True
        ParameterSets = @{
            'IdParameterSetName' = @(
                'Id String M 0'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'NoWait SwitchParameter - -'
                'SkipShutdown SwitchParameter - -'
                'StayProvisioned SwitchParameter - -'
            )
            'ResourceGroupNameParameterSetName' = @(
                'ResourceGroupName String M 0'
                'Name String M 1'
                'AsJob SwitchParameter - -'
                'DefaultProfile IAzureContextContainer - -'
                'Force SwitchParameter - -'
                'NoWait SwitchParameter - -'
                'SkipShutdown SwitchParameter - -'
                'StayProvisioned SwitchParameter - -'
            )
        }
        Aliases = @{ DefaultProfile = 'AzContext,AzureRmContext,AzureCredential'; Name = 'ResourceName,VMName' }
        Checked = $true
    }
}
