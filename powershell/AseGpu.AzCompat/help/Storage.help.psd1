# Help of New-/Get-AzStorageAccount, Get-AzStorageAccountKey, New-AzStorageContext, New-AzStorageContainer, New-AzStorageAccountSASToken, Set-AzStorageBlobContent, Add-AzVhd (AseGpu.AzCompat; built into the MAML file by AseGpu.PowerShell/help/Build-AseHelp.ps1 -HelpSource).
@{
    'New-AzStorageAccount' = @{
        Synopsis    = 'Creates a local storage account on the device (Az.Storage).'
        Description = 'Creates the account (kind Storage, as the device makes them) through AseGpu''s storage account service and outputs it with Id and PrimaryEndpoints.Blob. Only local SKUs (Standard_LRS, Premium_LRS) exist on a device; other Az options are not supported and say so.'
        Parameters  = @{
            Name = 'The account name (aliases StorageAccountName, AccountName): 3-24 lowercase letters and digits.'
            SkuName = 'Standard_LRS or Premium_LRS (aliases StorageAccountType, AccountType, Type).'
            Kind = 'Storage (what the device makes; others are a warning).'
            AccessTier = 'Not supported on a device: a warning.'
            CustomDomainName = 'Not supported on a device: a warning.'
            UseSubDomain = 'Not supported on a device: a warning.'
            EnableHttpsTrafficOnly = 'Accepted; the device decides.'
            AssignIdentity = 'Not supported on a device: a warning.'
            EnableHierarchicalNamespace = 'Not supported on a device: a warning.'
            EnableLargeFileShare = 'Not supported on a device: a warning.'
        }
        Examples    = @(
            @{ Code = 'New-AzStorageAccount -Name $StorageAccountName -ResourceGroupName $ResourceGroupName -Location DBELocal -SkuName Standard_LRS'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSStorageAccount'
        Links       = @('Get-AzStorageAccountKey', 'New-AzStorageContext')
    }
    'Get-AzStorageAccount' = @{
        Synopsis    = 'Gets storage accounts (Az.Storage).'
        Description = 'One account, the group''s or the device''s accounts, with Id, PrimaryEndpoints.Blob and a Context (made with the account''s first key when first read).'
        Parameters  = @{
            Name = 'The account name (aliases StorageAccountName, AccountName).'
            IncludeGeoReplicationStats = 'Accepted; a device has no geo-replication.'
        }
        Examples    = @(
            @{ Code = '$endPoint = (Get-AzStorageAccount -name $StorageAccountName -ResourceGroupName $ResourceGroupName).PrimaryEndpoints.Blob'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSStorageAccount'
        Links       = @('New-AzStorageAccount')
    }
    'Get-AzStorageAccountKey' = @{
        Synopsis    = 'Gets a storage account''s keys (Az.Storage).'
        Description = 'The keys (KeyName key1/key2, Value, Permissions Full), one object each.'
        Parameters  = @{
            Name = 'The account name (aliases StorageAccountName, AccountName).'
            ListKerbKey = 'Accepted; a device has no Kerberos keys.'
        }
        Examples    = @(
            @{ Code = '$StorageAccountKey = (Get-AzStorageAccountKey -ResourceGroupName $ResourceGroupName -Name $StorageAccountName)[0].Value'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.StorageAccountKey'
        Links       = @('New-AzStorageContext')
    }
    'New-AzStorageContext' = @{
        Synopsis    = 'Makes a storage context: account, key and blob endpoint (Az.Storage).'
        Description = 'Nothing is sent. -Endpoint is the device''s storage suffix as the docs pass it ((Get-AzEnvironment).StorageEndpointSuffix): the blob endpoint is https://<account>.blob.<suffix>/. Without -Endpoint the connected device''s suffix is used (Az''s default, core.windows.net, is not a device). The key stays in the context and is not shown again.'
        Parameters  = @{
            StorageAccountName = 'The account name.'
            StorageAccountKey = 'One of its keys (Get-AzStorageAccountKey).'
            Protocol = 'Https (default) or Http.'
            Endpoint = 'The storage suffix (<device name>.<DNS domain>), or a whole blob endpoint URL.'
            Environment = 'An environment whose StorageEndpointSuffix is used (aliases Name, EnvironmentName).'
        }
        Examples    = @(
            @{ Code = '$StorageAccountContext = New-AzStorageContext -StorageAccountName $StorageAccountName -StorageAccountKey $StorageAccountKey -Endpoint $blobendpoint'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.AzureStorageContext'
        Links       = @('New-AzStorageContainer', 'New-AzStorageAccountSASToken', 'Set-AzStorageBlobContent')
    }
    'New-AzStorageContainer' = @{
        Synopsis    = 'Creates a blob container (Az.Storage).'
        Description = 'Creates the container when it does not exist (a private container: the library does not set public access, so -Permission other than Off is a warning; use an account SAS for access without the key).'
        Parameters  = @{
            Name = 'The container name (aliases N, Container).'
            Permission = 'Public access level (alias PublicAccess); only Off (private) is made.'
        }
        Examples    = @(
            @{ Code = '$container = New-AzStorageContainer -Name $containerName -Context $StorageAccountContext -Permission Container'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.AzureStorageContainer'
        Links       = @('New-AzStorageContext')
    }
    'New-AzStorageAccountSASToken' = @{
        Synopsis    = 'Makes an account SAS token for the blob service (Az.Storage).'
        Description = 'Signs an account SAS with the context''s key (nothing is sent) and outputs it starting with ''?'', as Az does: append it to a container URL for AzCopy ("$endPoint$ContainerName$StorageAccountSAS"). Expires in one hour unless -ExpiryTime.'
        Parameters  = @{
            Service = 'Blob (the service the device offers here).'
            ResourceType = 'Service, Container, Object (a comma list).'
            Permission = 'Letters of rwdlacup, e.g. acdlrw.'
            Protocol = 'HttpsOnly (default) or HttpsOrHttp.'
            IPAddressOrRange = 'Not supported (a NotImplemented error): leave it out.'
            StartTime = 'When the token starts to be valid.'
            ExpiryTime = 'When it expires (default: in one hour).'
        }
        Examples    = @(
            @{ Code = '$StorageAccountSAS = New-AzStorageAccountSASToken -Service Blob -ResourceType Container,Service,Object -Permission "acdlrw" -Context $StorageAccountContext -Protocol HttpsOnly'; Remarks = '' }
        )
        Outputs     = 'System.String'
        Links       = @('New-AzStorageContext')
    }
    'Set-AzStorageBlobContent' = @{
        Synopsis    = 'Uploads a local file as a page blob, e.g. a fixed VHD (Az.Storage).'
        Description = 'Uploads with the library''s sparse-aware, resumable, verified page-blob upload (holes and zero ranges are not sent; an interrupted upload of the same file resumes). -BlobType Page only: block and append blobs are not made here. The file must be a multiple of 512 bytes.'
        Parameters  = @{
            File = 'The local file (alias FullName).'
            Container = 'The container (made when missing).'
            Blob = 'The blob name (default: the file name).'
            BlobType = 'Page (Block and Append are refused).'
            Properties = 'Not supported for these page blobs: a warning.'
            Metadata = 'Not supported for these page blobs: a warning.'
            PremiumPageBlobTier = 'Not supported on a device: a warning.'
            StandardBlobTier = 'Not supported on a device: a warning.'
            Force = 'Overwrite a blob with other content.'
        }
        Examples    = @(
            @{ Code = 'Set-AzStorageBlobContent -File .\ubuntu18.04.vhd -Container vmimages -Blob ubuntu18.04.vhd -Context $StorageAccountContext -BlobType Page'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.AzureStorageBlob'
        Links       = @('Add-AzVhd', 'New-AzDiskConfig')
    }
    'Add-AzVhd' = @{
        Synopsis    = 'Uploads a fixed VHD to a blob of a storage account on the device (Az.Compute).'
        Description = 'Checks the VHD first (the device takes fixed, Generation 1 VHDs: anything else is refused with the reason, before sending), gets the account''s key from -ResourceGroupName, and uploads with the library''s sparse, resumable page-blob upload.'
        Parameters  = @{
            Destination = 'The blob URL: https://<account>.blob.<device name>.<DNS domain>/<container>/<name>.vhd (alias dst).'
            LocalFilePath = 'The local fixed VHD (alias lf).'
            NumberOfUploaderThreads = 'How many page ranges are sent at once (alias th).'
            BaseImageUriToPatch = 'Not supported: upload the whole VHD (alias bs).'
            OverWrite = 'Overwrite a blob with other content (alias o).'
        }
        Examples    = @(
            @{ Code = 'Add-AzVhd -ResourceGroupName myasegpurg -Destination https://myasegpusa.blob.dbe-1234.microsoftdatabox.com/vhds/ubuntu.vhd -LocalFilePath .\ubuntu.vhd'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.VhdUploadContext'
        Links       = @('New-AzImageConfig', 'Set-AzImageOsDisk')
    }
}
