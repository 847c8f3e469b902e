# Help of Test-AseVhd, Send-AseVhd, New-AseImage (see Build-AseHelp.ps1).
@{
    'Test-AseVhd'  = @{
        Synopsis    = 'Checks that a file is a VHD the device accepts for an image (fixed size, 1 MiB aligned, Generation 1).'
        Description = 'Reads the VHD footer locally (no connection needed). A file the device would refuse is an InvalidArgument error that names the problem and the fix (for example the qemu-img command).'
        Parameters  = @{
            Path = 'The .vhd file (aliases FullName, LocalFilePath); from the pipeline as strings or Get-ChildItem output.'
        }
        Examples    = @(
            @{ Code = 'Test-AseVhd -Path .\ubuntu1804.vhd'; Remarks = '' }
            @{ Code = 'Get-ChildItem *.vhd | Test-AseVhd'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseVhdInfo'
        Links       = @('Send-AseVhd', 'New-AseImage')
    }
    'Send-AseVhd'  = @{
        Synopsis    = 'Uploads a fixed VHD as a page blob to a storage account on the device (resumable, skips holes/zeros).'
        Description = 'Uploads in parallel, skips the ranges that are zero, resumes an interrupted upload of the same file and verifies the result. Shows progress (bytes sent); Ctrl+C cancels.'
        Parameters  = @{
            ResourceGroupName  = 'The storage account''s resource group.'
            StorageAccountName = 'An existing storage account (New-AseImage creates one when missing).'
            Path               = 'The .vhd file (alias LocalFilePath).'
            ContainerName      = 'Default vhds (created when missing).'
            BlobName           = 'Default: the file name.'
            Overwrite          = 'Replace a blob of the same name that holds something else.'
        }
        Examples    = @(
            @{ Code = 'Send-AseVhd -ResourceGroupName myasegpurg -StorageAccountName myasesa -Path .\ubuntu1804.vhd'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseUploadSummary (BlobUri, SizeBytes, SentBytes, Seconds, MiBPerSecond).'
        Links       = @('Test-AseVhd', 'New-AseImage')
    }
    'New-AseImage' = @{
        Synopsis    = 'Makes a VM image from a local VHD: checks it, creates the storage account if missing, uploads, creates the image.'
        Description = 'The documented bring-your-own-image steps in one cmdlet: Test-AseVhd, a Standard_LRS storage account when missing, Send-AseVhd, then the image (from the blob, or from a managed disk with -Source managedDisk).'
        Parameters  = @{
            ResourceGroupName  = 'The resource group of the image (and the storage account).'
            Name               = 'The image name (alias ImageName).'
            Path               = 'The fixed-size .vhd (alias LocalFilePath).'
            StorageAccountName = 'The storage account (created when missing, Standard_LRS).'
            OsType             = 'Linux or Windows.'
            Source             = 'blob (the image refers to the blob, default) or managedDisk.'
        }
        Examples    = @(
            @{ Code = 'New-AseImage -ResourceGroupName myasegpurg -Name myaselinuximg -Path .\ubuntu1804.vhd -StorageAccountName myasesa -OsType Linux'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseImageResult (ImageId, ImageName, BlobUri, Upload).'
        Links       = @('Test-AseVhd', 'Send-AseVhd', 'New-AseGpuVM')
    }
}
