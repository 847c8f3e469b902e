// AseSession, VM extensions: the GPU extension install, get/list, remove (asegpu_gpu_extension_install, asegpu_vm_extension_*).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        /// <summary>asegpu_gpu_extension_install as JSON (waits until Succeeded/Failed).</summary>
        public string InstallGpuExtensionJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("gpuExtensionInstall", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_gpu_extension_install(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseExtensionInstallResult InstallGpuExtension(AseGpuExtensionRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseExtensionInstallResult.FromJson(InstallGpuExtensionJson(request.ToJson(), progress, null, ct));
        }

        public AseExtensionInstallResult InstallGpuExtension(AseGpuExtensionRequest request) { return InstallGpuExtension(request, null, CancellationToken.None); }
        public Task<AseExtensionInstallResult> InstallGpuExtensionAsync(AseGpuExtensionRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => InstallGpuExtension(request, progress, ct));
        }
        public AseOperation StartInstallGpuExtension(AseGpuExtensionRequest request)
        {
            return new AseOperation("gpuExtensionInstall", request == null ? null : request.VmName, (p, ct) => InstallGpuExtension(request, p, ct));
        }

        /// <summary>One extension (JSON object), or every extension of the VM (JSON array) when <paramref name="name"/> is null.</summary>
        public string GetVmExtensionJson(string resourceGroup, string vmName, string name, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), v = Utf8.ToNullTerminated(vmName), n = Utf8.ToNullTerminated(name);
            return Invoke("vmExtensionGet", name ?? vmName, ct, null,
                c => NativeMethods.asegpu_vm_extension_get(c.Session, g, v, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseExtensionView GetVmExtension(string resourceGroup, string vmName, string name) { return GetVmExtension(resourceGroup, vmName, name, CancellationToken.None); }
        public AseExtensionView GetVmExtension(string resourceGroup, string vmName, string name, CancellationToken ct)
        {
            if (name == null) throw new ArgumentNullException("name");
            return AseExtensionView.FromJson(GetVmExtensionJson(resourceGroup, vmName, name, ct));
        }
        public AseExtensionView[] ListVmExtensions(string resourceGroup, string vmName) { return ListVmExtensions(resourceGroup, vmName, CancellationToken.None); }
        public AseExtensionView[] ListVmExtensions(string resourceGroup, string vmName, CancellationToken ct)
        {
            return AseExtensionView.ListFromJson(GetVmExtensionJson(resourceGroup, vmName, null, ct));
        }
        public Task<AseExtensionView> GetVmExtensionAsync(string resourceGroup, string vmName, string name, CancellationToken ct) { return Run(() => GetVmExtension(resourceGroup, vmName, name, ct)); }
        public Task<AseExtensionView[]> ListVmExtensionsAsync(string resourceGroup, string vmName, CancellationToken ct) { return Run(() => ListVmExtensions(resourceGroup, vmName, ct)); }
        /// <summary>As an operation: the result is an AseExtensionView, or AseExtensionView[] when <paramref name="name"/> is null.</summary>
        public AseOperation StartGetVmExtension(string resourceGroup, string vmName, string name)
        {
            if (name == null) return new AseOperation("vmExtensionList", vmName, (p, ct) => ListVmExtensions(resourceGroup, vmName, ct));
            return new AseOperation("vmExtensionGet", name, (p, ct) => GetVmExtension(resourceGroup, vmName, name, ct));
        }

        public void RemoveVmExtension(string resourceGroup, string vmName, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), v = Utf8.ToNullTerminated(vmName), n = Utf8.ToNullTerminated(name);
            Invoke("vmExtensionRemove", name, ct, ProgressSink.For(progress, null),
                c => NativeMethods.asegpu_vm_extension_remove(c.Session, g, v, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveVmExtensionAsync(string resourceGroup, string vmName, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveVmExtension(resourceGroup, vmName, name, progress, ct); return null; });
        }
        public AseOperation StartRemoveVmExtension(string resourceGroup, string vmName, string name)
        {
            return new AseOperation("vmExtensionRemove", name, (p, ct) => { RemoveVmExtension(resourceGroup, vmName, name, p, ct); return true; });
        }
    }
}
