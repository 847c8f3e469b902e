using System.Collections;
using System.Linq;

namespace AseGpu.PowerShell
{
    /// <summary>VM extensions: the NVIDIA GPU extension install, get/list, remove.</summary>
    public static class ExtensionService
    {
        /// <summary>One extension by name, or every extension of the VM (one object each) when <paramref name="name"/> is null.</summary>
        public static AseOperationSpec Find(AseSession session, string resourceGroup, string vmName, string name)
        {
            if (name == null)
                return new AseOperationSpec("Getting extensions of '" + vmName + "'", vmName,
                    (p, ct) => session.ListVmExtensions(resourceGroup, vmName, ct).Where(x => x != null).ToArray());
            return new AseOperationSpec("Getting extension '" + name + "' of '" + vmName + "'", name,
                (p, ct) => session.GetVmExtension(resourceGroup, vmName, name, ct));
        }

        /// <summary>Installs the GPU extension and waits; outputs the library's warnings as warnings, then the extension.</summary>
        public static AseOperationSpec Install(AseSession session, AseGpuExtensionRequest request)
        {
            return new AseOperationSpec("Installing the GPU extension on '" + request.VmName + "'", request.VmName,
                (p, ct) => session.InstallGpuExtension(request, p, ct), EmitInstall)
            {
                Details = request.ResourceGroupName + "/" + request.VmName
                    + (request.ExtensionType == null ? "" : ", type " + request.ExtensionType)
                    + (request.TypeHandlerVersion == null ? "" : ", version " + request.TypeHandlerVersion)
                    + (request.Release == null ? "" : ", release " + request.Release),
            };
        }

        static void EmitInstall(object result, IAseOutput output)
        {
            if (!(result is AseExtensionInstallResult r)) return;
            // r.Warnings were written as they came (the library's warning events): not again here.
            if (r.Extension != null) output.WriteObject(r.Extension, false);
        }

        /// <summary>The request of Install-AseGpuExtension (nulls: chosen from the VM's OS and the device release).</summary>
        public static AseGpuExtensionRequest Request(string resourceGroup, string vmName, string name, string publisher,
            string type, string version, IDictionary settings, string release, bool rhelCustomInstall = false)
        {
            return new AseGpuExtensionRequest
            {
                ResourceGroupName = resourceGroup,
                VmName = vmName,
                Name = name,
                Publisher = publisher,
                ExtensionType = type,
                TypeHandlerVersion = version,
                Settings = settings,
                Release = release,
                RhelCustomInstall = rhelCustomInstall,
            };
        }

        /// <summary>Removes an extension (long-running); the result is true.</summary>
        public static AseOperationSpec Remove(AseSession session, string resourceGroup, string vmName, string name)
        {
            return new AseOperationSpec("Removing extension '" + name + "' from '" + vmName + "'", name, (p, ct) =>
            {
                session.RemoveVmExtension(resourceGroup, vmName, name, p, ct);
                return true;
            }, AseOperationSpec.EmitNothing);
        }
    }
}
