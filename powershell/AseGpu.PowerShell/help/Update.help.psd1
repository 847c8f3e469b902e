# Help of Suspend-AseGpuVMsForUpdate, Resume-AseGpuVMsAfterUpdate (see Build-AseHelp.ps1).
@{
    'Suspend-AseGpuVMsForUpdate'  = @{
        Synopsis    = 'Before a device update: stops every running GPU VM staying provisioned (they keep their GPUs).'
        Description = @'
A device update restarts the device; GPU VMs that were deallocated may lose their GPU to Kubernetes. This stops
every running GPU VM with power-off (stay provisioned), so each keeps its GPU, and writes the record of which VMs
were stopped to -Path (JSON) or outputs it; pass it to Resume-AseGpuVMsAfterUpdate after the update. Asks for
confirmation unless -Force or -Confirm:$false.
'@
        Parameters  = @{
            Path  = 'Where to write the record (JSON). Without it the record is output.'
            Force = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Suspend-AseGpuVMsForUpdate -Path .\gpu-vms-before-update.json -Force'; Remarks = 'Outputs the written file.' }
            @{ Code = '$updateRecord = Suspend-AseGpuVMsForUpdate -Confirm:$false; $updateRecord.Stopped'; Remarks = 'Keeps the record in a variable.' }
        )
        Outputs     = 'AseGpu.AseUpdateRecord, or the written file (System.IO.FileInfo) with -Path.'
        Links       = @('Resume-AseGpuVMsAfterUpdate')
    }
    'Resume-AseGpuVMsAfterUpdate' = @{
        Synopsis    = 'After a device update: starts the GPU VMs recorded by Suspend-AseGpuVMsForUpdate.'
        Description = 'Starts the VMs of the record (the file, the record object, its JSON, or the FileInfo that Suspend-AseGpuVMsForUpdate -Path output) and outputs them.'
        Parameters  = @{
            Path   = 'The record file written by Suspend-AseGpuVMsForUpdate -Path.'
            Record = 'The record: an AseGpu.AseUpdateRecord, its JSON text, or the record file as a FileInfo (Get-Item); from the pipeline.'
        }
        Examples    = @(
            @{ Code = 'Resume-AseGpuVMsAfterUpdate -Path .\gpu-vms-before-update.json'; Remarks = '' }
            @{ Code = '$updateRecord | Resume-AseGpuVMsAfterUpdate'; Remarks = '' }
            @{ Code = 'Get-Item .\gpu-vms-before-update.json | Resume-AseGpuVMsAfterUpdate -AsJob'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AseVmView (the started VMs).'
        Links       = @('Suspend-AseGpuVMsForUpdate')
    }
}
