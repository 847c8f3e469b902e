# Help of New-/Get-/Remove-AzResourceGroup, New-/Get-AzResourceGroupDeployment (AseGpu.AzCompat; built into the MAML file by AseGpu.PowerShell/help/Build-AseHelp.ps1 -HelpSource).
@{
    'New-AzResourceGroup' = @{
        Synopsis    = 'Creates a resource group on the device (Az.Resources).'
        Description = 'Creates or updates a resource group (through AseGpu''s resource group service). When it exists and -Force is absent, asks before updating it, as Az does.'
        Parameters  = @{
            Name = 'The group name (alias ResourceGroupName).'
            Force = 'Update an existing group without asking.'
        }
        Examples    = @(
            @{ Code = 'New-AzResourceGroup -Name myasegpurg -Location DBELocal'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSResourceGroup'
        Links       = @('Get-AzResourceGroup', 'Remove-AzResourceGroup')
    }
    'Get-AzResourceGroup' = @{
        Synopsis    = 'Gets resource groups (Az.Resources).'
        Description = 'Every group, those matching a name or wildcard, one by id, optionally only those with given tags (a $null or empty tag value matches any value). A name without wildcards that does not exist is a NotFound error.'
        Parameters  = @{
            Name = 'A group name or wildcard (alias ResourceGroupName).'
            Location = 'Only groups in this location.'
            Id = 'A group id (aliases ResourceGroupId, ResourceId).'
            Tag = 'Only groups with these tags.'
        }
        Examples    = @(
            @{ Code = 'Get-AzResourceGroup -Name myasegpurg'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSResourceGroup'
        Links       = @('New-AzResourceGroup')
    }
    'Remove-AzResourceGroup' = @{
        Synopsis    = 'Deletes a resource group and everything in it (Az.Resources).'
        Description = 'Deletes the group and waits (a long-running operation; -AsJob for a job). Outputs $true. Asks first (ConfirmImpact High) unless -Force or -Confirm:$false.'
        Parameters  = @{
            Name = 'The group name (alias ResourceGroupName).'
            Id = 'The group id (aliases ResourceGroupId, ResourceId).'
            Force = 'Do not ask for confirmation.'
        }
        Examples    = @(
            @{ Code = 'Remove-AzResourceGroup -Name myasegpurg -Force'; Remarks = '' }
        )
        Outputs     = 'System.Boolean'
        Links       = @('New-AzResourceGroup')
    }
    'New-AzResourceGroupDeployment' = @{
        Synopsis    = 'Deploys an ARM template (the device''s CreateImage.json, CreateVM.json...) to a resource group, after the GPU preflight (Az.Resources).'
        Description = @'
Deploys the template with the parameter file or object, through AseGpu's deployment service: the template is evaluated locally and the GPU preflight runs first; a deployment the preflight says would fail (a GPU size that does not match the device, no free GPU, Kubernetes holding the GPUs, a missing image, a static IP in use) is refused early with the reasons and fixes (PreflightFailed). Az's -Force keeps its meaning (no confirmation); -SkipGpuPreflight, an AseGpu extra, deploys anyway. Preflight warnings are written as warnings.

The template's parameters are parameters of this command, as in Az: typed from the template, mandatory when the template has no default and neither the parameter file nor -TemplateParameterObject gives a value (not with -SkipTemplateParameterPrompt); a value given on the command line wins. The result has DeploymentName, ResourceGroupName, ProvisioningState, Timestamp, Mode, Parameters ($d.Parameters['vmName'].Value) and Outputs as Az's, plus the VMs and their IP addresses. -TemplateUri, -TemplateParameterUri and -Mode Complete are refused (NotImplemented).
'@
        Parameters  = @{
            Name = 'The deployment name (alias DeploymentName); default: the template file name.'
            Mode = 'Incremental (Complete is refused: it would delete what the template does not list).'
            DeploymentDebugLogLevel = 'Accepted for Az scripts; no effect on a device.'
            RollbackToLastDeployment = 'Not supported on a device: a warning.'
            RollBackDeploymentName = 'Not supported on a device: a warning.'
            Force = 'Deploy without asking (Az''s meaning); it does not override the GPU preflight.'
            TemplateParameterObject = 'Parameter values (a hashtable).'
            TemplateParameterFile = 'The parameter file (e.g. an edited CreateVM.parameters.json).'
            TemplateParameterUri = 'Refused: the device cannot fetch files; download it and pass -TemplateParameterFile.'
            TemplateObject = 'The template as a hashtable.'
            TemplateFile = 'The template file (e.g. CreateVM.json).'
            TemplateUri = 'Refused: the device cannot fetch files; download it and pass -TemplateFile.'
            SkipTemplateParameterPrompt = 'No prompt for template parameters without a value: the deployment reports them.'
            SkipGpuPreflight = 'AseGpu extra: deploy even when the GPU preflight says the deployment will fail (the device then fails it itself).'
        }
        Examples    = @(
            @{ Code = 'New-AzResourceGroupDeployment -ResourceGroupName $RGName -TemplateFile $templateFile -TemplateParameterFile $templateParameterFile -Name "gpuvm1"'; Remarks = 'The documented deployment of CreateVM.json.' }
            @{ Code = 'New-AzResourceGroupDeployment -ResourceGroupName myasegpurg -TemplateFile .\CreateVM.json -TemplateParameterFile .\CreateVM.parameters.json -vmName gpuvm2 -vmSize Standard_NC4as_T4_v3 -AsJob'; Remarks = 'Template parameters on the command line, as a job.' }
        )
        Outputs     = 'AseGpu.AzCompat.PSResourceGroupDeployment'
        Links       = @('Get-AzResourceGroupDeployment', 'Test-AseGpuDeployment')
    }
    'Get-AzResourceGroupDeployment' = @{
        Synopsis    = 'Gets a resource group''s deployments (Az.Resources).'
        Description = 'One deployment by name or id, or every deployment of the group, as Az shows them (Parameters and Outputs by name; secure values are not shown).'
        Parameters  = @{
            Name = 'The deployment name (alias DeploymentName); all when omitted.'
            Id = 'The deployment id (aliases DeploymentId, ResourceId).'
        }
        Examples    = @(
            @{ Code = '(Get-AzResourceGroupDeployment -ResourceGroupName myasegpurg -Name gpuvm1).ProvisioningState'; Remarks = '' }
        )
        Outputs     = 'AseGpu.AzCompat.PSResourceGroupDeployment'
        Links       = @('New-AzResourceGroupDeployment')
    }
}
