# Test-AseVhd, Send-AseVhd, New-AseImage: a fixed Generation 1 VHD made here (sparse data + footer).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    Connect-AseTestDevice
    $rg = New-AseTestResourceGroup 'pester-img'
    $vhd = New-AseTestVhd -Path (Join-Path $TestDrive 'ubuntu1804.vhd') -SizeMiB 4
    $account = 'pester' + [guid]::NewGuid().ToString('N').Substring(0, 10)

    function Test-BlobUsable([string]$Uri, [string]$ImageName) {
        # Whether the device can make an image from the blob (CreateImage.json fails for a missing blob).
        try {
            $null = New-AseResourceGroupDeployment -ResourceGroupName $rg -Name "probe-$ImageName" `
                -TemplateFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.json') `
                -TemplateParameterFile (Get-AseTestFixture 'VmTemplates/CreateImage/CreateImage.parameters.json') `
                -TemplateParameterObject @{ osType = 'Linux'; imageName = $ImageName; imageUri = $Uri } -ErrorAction Stop
            $true
        }
        catch { $false }
    }
}

AfterAll {
    Remove-AseTestResourceGroups
    Disconnect-AseDevice
}

Describe 'Images: Test-AseVhd, Send-AseVhd, New-AseImage' {
    Context 'Test-AseVhd' {
        It 'accepts a fixed, 1 MiB aligned, Generation 1 VHD' {
            $info = Test-AseVhd -Path $vhd.FullName -ErrorAction Stop
            $info.DiskSize | Should -Be (4MB)
            $info.FileSize | Should -Be (4MB + 512)
            $info.HyperVGeneration | Should -Be 'V1'
        }

        It 'takes files from the pipeline (Get-Item | Test-AseVhd) and relative paths' {
            (Get-Item -LiteralPath $vhd.FullName | Test-AseVhd -ErrorAction Stop).DiskSize | Should -Be (4MB)
            Push-Location $TestDrive
            try { (Test-AseVhd -Path ./ubuntu1804.vhd -ErrorAction Stop).DiskSize | Should -Be (4MB) } finally { Pop-Location }
        }

        It 'refuses a raw disk with InvalidArgument and says how to convert it' {
            $raw = Join-Path $TestDrive 'disk.vhd'
            [System.IO.File]::WriteAllBytes($raw, [byte[]]::new(2MB))
            $err = Get-AseTestError { Test-AseVhd -Path $raw -ErrorAction Stop }
            Assert-AseError $err -Status InvalidArgument -Category InvalidArgument
            "$err" | Should -BeLike '*qemu-img*'
        }

        It 'a missing file is FileNotFound' {
            $err = Get-AseTestError { Test-AseVhd -Path (Join-Path $TestDrive 'none.vhd') -ErrorAction Stop }
            Assert-AseError $err -Status FileNotFound -Category ObjectNotFound
        }
    }

    Context 'New-AseImage' {
        It '-WhatIf makes no image and sends nothing' {
            $writes = Get-AseTestWriteCount
            New-AseImage -ResourceGroupName $rg -Name 'pester-wiimg' -Path $vhd.FullName -StorageAccountName $account -OsType Linux -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-AseTestImageExists -ResourceGroupName $rg -Name 'pester-wiimg' | Should -BeFalse
        }

        It 'checks, creates the storage account, uploads and makes the image' {
            $result = New-AseImage -ResourceGroupName $rg -Name 'pester-img1' -Path $vhd.FullName -StorageAccountName $account -OsType Linux -ErrorAction Stop
            $result.ImageName | Should -Be 'pester-img1'
            $result.ImageId | Should -BeLike '*/providers/Microsoft.Compute/images/pester-img1'
            $result.BlobUri | Should -BeLike "https://$account.blob.*/vhds/ubuntu1804.vhd"
            Test-AseTestImageExists -ResourceGroupName $rg -Name 'pester-img1' | Should -BeTrue
        }

        It 'a VM deploys from the image (CreateVM.json)' {
            (New-AseTestVM -ResourceGroupName $rg -Name 'pester-imgvm' -ImageName 'pester-img1' -Size 'Standard_D2_v2').ProvisioningState | Should -Be 'Succeeded'
        }

        It '-Confirm:$false makes the image (-Source managedDisk)' {
            $result = New-AseImage -ResourceGroupName $rg -Name 'pester-img2' -Path $vhd.FullName -StorageAccountName $account -OsType Linux -Source managedDisk -Confirm:$false -ErrorAction Stop
            $result.ImageName | Should -Be 'pester-img2'
            Test-AseTestImageExists -ResourceGroupName $rg -Name 'pester-img2' | Should -BeTrue
        }
    }

    Context 'Send-AseVhd' {
        It '-WhatIf uploads nothing (the device cannot use the blob)' {
            $writes = Get-AseTestWriteCount
            Send-AseVhd -ResourceGroupName $rg -StorageAccountName $account -Path $vhd.FullName -BlobName 'whatif.vhd' -WhatIf -ErrorAction Stop
            Get-AseTestWriteCount | Should -Be $writes
            Test-BlobUsable -Uri "https://$account.blob.dbe-asesim.microsoftdatabox.com/vhds/whatif.vhd" -ImageName 'pester-wiblob' | Should -BeFalse
        }

        It 'uploads the VHD as a page blob the device can make an image from' {
            $summary = Send-AseVhd -ResourceGroupName $rg -StorageAccountName $account -Path $vhd.FullName -BlobName 'second.vhd' -ErrorAction Stop
            $summary.BlobUri | Should -BeLike '*/vhds/second.vhd'
            $summary.SizeBytes | Should -Be $vhd.Length
            $summary.SentBytes | Should -BeGreaterThan 0
            $summary.SentBytes | Should -BeLessThan $vhd.Length   # the holes are not sent
            Test-BlobUsable -Uri $summary.BlobUri -ImageName 'pester-fromblob' | Should -BeTrue
        }

        It '-Confirm:$false uploads' {
            $summary = Send-AseVhd -ResourceGroupName $rg -StorageAccountName $account -Path $vhd.FullName -BlobName 'third.vhd' -Confirm:$false -ErrorAction Stop
            $summary.BlobUri | Should -BeLike '*/vhds/third.vhd'
        }

        It 'a missing storage account is NotFound' {
            $err = Get-AseTestError { Send-AseVhd -ResourceGroupName $rg -StorageAccountName 'pesternosuchsa' -Path $vhd.FullName -ErrorAction Stop }
            Assert-AseError $err -Status NotFound -Category ObjectNotFound
        }
    }
}
