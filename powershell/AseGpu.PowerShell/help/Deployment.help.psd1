# Help of Get-AseGpuAvailability, Test-AseGpuDeployment, New-AseResourceGroupDeployment (see Build-AseHelp.ps1).
@{
    'Get-AseGpuAvailability'         = @{
        Synopsis    = 'Shows the device''s GPUs, the GPU VMs holding them, Kubernetes, and how many GPUs are free.'
        Description = @'
ARM shows the VMs, their sizes and power states and (through the GPU sizes offered) the GPU model. The GPU
count and whether Kubernetes is configured are not exposed by ARM: pass them to Connect-AseDevice (-GpuCount,
-KubernetesConfigured); the *Source properties and Notes say where each fact came from.
'@
        Examples    = @(
            @{ Code = 'Get-AseGpuAvailability'; Remarks = 'Model, count, the GPU VMs holding GPUs, Kubernetes, FreeGpus and notes.' }
            @{ Code = '(Get-AseGpuAvailability).FreeGpus'; Remarks = '' }
            @{ Code = '(Get-AseGpuAvailability).GpuVms | Format-Table Name, ResourceGroupName, VmSize, Gpus, PowerState, HoldsGpus'; Remarks = 'Which VMs hold the GPUs.' }
        )
        Outputs     = 'AseGpu.AseGpuReport (GpuModel, GpuCount, KubernetesConfigured, GpuVms, GpusHeldByVms, GpusClaimedByKubernetes, FreeGpus, Notes).'
        Links       = @('Connect-AseDevice', 'Test-AseGpuDeployment')
    }
    'Test-AseGpuDeployment'          = @{
        Synopsis    = 'Preflight: says whether a GPU VM deployment will succeed, and if not, why and what to do.'
        Description = @'
Checks a template deployment (-TemplateFile, -TemplateParameterFile, -TemplateParameterObject) or a number of
VMs of one size (-VMSize, -Count) against the device: sizes, GPU model, free GPUs, Kubernetes, images, static IP
addresses. Nothing is created. A failing verdict is not an error: the report has Ok = $false and Findings with
causes and fixes (error findings are also written as warnings).
'@
        Parameters  = @{
            ResourceGroupName       = 'The resource group the template would be deployed to.'
            TemplateFile            = 'The ARM template (e.g. CreateVM.json).'
            TemplateParameterFile   = 'Its parameter file (e.g. CreateVM.parameters.json).'
            TemplateParameterObject = 'Parameter values that override the parameter file''s (hashtable; plain values or @{ value = ... }).'
            VMSize                  = 'A VM size, without a template (e.g. Standard_NC4as_T4_v3). Alias Size.'
            Count                   = 'How many VMs of -VMSize, 1 to 64 (default 1).'
        }
        Examples    = @(
            @{ Code = 'Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3'; Remarks = 'Would one T4 GPU VM fit now?' }
            @{ Code = 'Test-AseGpuDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -TemplateParameterObject @{ vmSize = ''Standard_NC4as_T4_v3'' }'; Remarks = 'The preflight of the deployment New-AseResourceGroupDeployment would make.' }
            @{ Code = '(Test-AseGpuDeployment -VMSize Standard_NC4as_T4_v3 -Count 2).Findings | Format-Table Severity, Code, Fix'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AsePreflightReport (Ok, Verdict, GpusNeeded, Findings, Planned, Availability).'
        Links       = @('New-AseResourceGroupDeployment', 'Get-AseGpuAvailability')
    }
    'New-AseResourceGroupDeployment' = @{
        Synopsis    = 'Deploys an ARM template (e.g. the device''s CreateVM.json) to a resource group, after a GPU preflight.'
        Description = @'
Runs the preflight first (Test-AseGpuDeployment) and refuses a deployment that would fail (for example when
Kubernetes holds the GPUs) with a PreflightFailed error, unless -Force. Then deploys and waits, showing progress;
Ctrl+C stops waiting and cancels the call (what the device accepted goes on there). The result has the
PSResourceGroupDeployment properties (DeploymentName, ResourceGroupName, ProvisioningState, Timestamp, Mode,
Parameters, Outputs) plus the VMs and their IP addresses. -Verbose names the files and the parameters that are
sent, never their values.
'@
        Parameters  = @{
            ResourceGroupName       = 'The target resource group.'
            TemplateFile            = 'The template file.'
            TemplateParameterFile   = 'The parameter file.'
            TemplateParameterObject = 'Parameter values overriding the parameter file''s (hashtable).'
            Name                    = 'The deployment name (alias DeploymentName; default: the template file''s name).'
            Force                   = 'Deploy even when the preflight says it will fail.'
        }
        Examples    = @(
            @{ Code = 'New-AseResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -Name gpuvm1'; Remarks = '' }
            @{
                Code    = @'
$job = New-AseResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -TemplateParameterObject @{ vmSize = 'Standard_NC4as_T4_v3'; vnetRG = 'ASERG' } -AsJob
$d = $job | Wait-Job | Receive-Job
$d.IpAddresses
'@
                Remarks = 'Deploys in the background and reads the VM''s IP address from the result.'
            }
        )
        Outputs     = 'AseGpu.AseDeploymentResult'
        Links       = @('Test-AseGpuDeployment', 'Get-AseVM')
    }
}
