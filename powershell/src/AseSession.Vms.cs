// AseSession, VMs: create, get, list, power, delete (asegpu_vm_*).
using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        /// <summary>asegpu_vm_create as JSON; the admin password bytes are zeroed after the call.</summary>
        public string NewVmJson(string requestJson, SecureString adminPassword, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            return NewVmBytes(requestJson, Utf8.FromSecureString(adminPassword), ProgressSink.For(progress, onProgressJson), ct);
        }

        public string NewVmJson(string requestJson, string adminPassword, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            return NewVmBytes(requestJson, Utf8.ToNullTerminated(adminPassword), ProgressSink.For(progress, onProgressJson), ct);
        }

        string NewVmBytes(string requestJson, byte[] password, ProgressSink sink, CancellationToken ct)
        {
            GCHandle pin = password == null ? default(GCHandle) : GCHandle.Alloc(password, GCHandleType.Pinned);
            try
            {
                byte[] r = Utf8.ToNullTerminated(requestJson);
                return Invoke("vmCreate", null, ct, sink,
                    c => NativeMethods.asegpu_vm_create(c.Session, r, password, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
            }
            finally
            {
                if (password != null) Array.Clear(password, 0, password.Length);
                if (pin.IsAllocated) pin.Free();
            }
        }

        /// <summary>Creates a GPU VM (NIC + VM) after the preflight; the result has its IP address.</summary>
        public AseVmView NewVm(AseVmRequest request, SecureString adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseVmView.FromJson(NewVmJson(request.ToJson(), adminPassword, progress, null, ct));
        }

        public AseVmView NewVm(AseVmRequest request, string adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseVmView.FromJson(NewVmJson(request.ToJson(), adminPassword, progress, null, ct));
        }

        public Task<AseVmView> NewVmAsync(AseVmRequest request, SecureString adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            SecureString copy = adminPassword == null ? null : adminPassword.Copy();
            return Run(() => { using (copy) return NewVm(request, copy, progress, ct); });
        }

        public AseOperation StartNewVm(AseVmRequest request, SecureString adminPassword)
        {
            SecureString copy = adminPassword == null ? null : adminPassword.Copy();
            return new AseOperation("vmCreate", request == null ? null : request.Name, (p, ct) => { using (copy) return NewVm(request, copy, p, ct); });
        }

        public string GetVmJson(string resourceGroup, string name, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name);
            return Invoke("vmGet", name, ct, null,
                c => NativeMethods.asegpu_vm_get(c.Session, g, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView GetVm(string resourceGroup, string name) { return GetVm(resourceGroup, name, CancellationToken.None); }
        public AseVmView GetVm(string resourceGroup, string name, CancellationToken ct) { return AseVmView.FromJson(GetVmJson(resourceGroup, name, ct)); }
        public Task<AseVmView> GetVmAsync(string resourceGroup, string name, CancellationToken ct) { return Run(() => GetVm(resourceGroup, name, ct)); }
        public AseOperation StartGetVm(string resourceGroup, string name)
        {
            return new AseOperation("vmGet", name, (p, ct) => GetVm(resourceGroup, name, ct));
        }

        /// <summary>VMs of a resource group, or of the whole device when <paramref name="resourceGroup"/> is null.</summary>
        public string ListVmsJson(string resourceGroup, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup);
            return Invoke("vmList", resourceGroup, ct, null,
                c => NativeMethods.asegpu_vm_list(c.Session, g, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView[] ListVms(string resourceGroup) { return ListVms(resourceGroup, CancellationToken.None); }
        public AseVmView[] ListVms(string resourceGroup, CancellationToken ct) { return AseVmView.ListFromJson(ListVmsJson(resourceGroup, ct)); }
        public Task<AseVmView[]> ListVmsAsync(string resourceGroup, CancellationToken ct) { return Run(() => ListVms(resourceGroup, ct)); }
        public AseOperation StartListVms(string resourceGroup)
        {
            return new AseOperation("vmList", resourceGroup, (p, ct) => ListVms(resourceGroup, ct));
        }

        /// <summary>asegpu_vm_power: action start | stop (stays provisioned, keeps the GPU) | deallocate | restart.</summary>
        public string SetVmPowerStateJson(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name), a = Utf8.ToNullTerminated(action);
            return Invoke("vmPower", name, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_vm_power(c.Session, g, n, a, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView SetVmPowerState(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return AseVmView.FromJson(SetVmPowerStateJson(resourceGroup, name, action, progress, null, ct));
        }

        public AseVmView SetVmPowerState(string resourceGroup, string name, string action) { return SetVmPowerState(resourceGroup, name, action, null, CancellationToken.None); }
        public Task<AseVmView> SetVmPowerStateAsync(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => SetVmPowerState(resourceGroup, name, action, progress, ct));
        }
        public AseOperation StartSetVmPowerState(string resourceGroup, string name, string action)
        {
            return new AseOperation("vmPower", name, (p, ct) => SetVmPowerState(resourceGroup, name, action, p, ct));
        }

        /// <summary>Deletes a VM (long-running).</summary>
        public void RemoveVm(string resourceGroup, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            RemoveVmCore(resourceGroup, name, ProgressSink.For(progress, null), ct);
        }

        public void RemoveVm(string resourceGroup, string name, Action<string> onProgressJson, CancellationToken ct)
        {
            RemoveVmCore(resourceGroup, name, ProgressSink.For(null, onProgressJson), ct);
        }

        void RemoveVmCore(string resourceGroup, string name, ProgressSink sink, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name);
            Invoke("vmDelete", name, ct, sink,
                c => NativeMethods.asegpu_vm_delete(c.Session, g, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveVmAsync(string resourceGroup, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveVm(resourceGroup, name, progress, ct); return null; });
        }
        public AseOperation StartRemoveVm(string resourceGroup, string name)
        {
            return new AseOperation("vmDelete", name, (p, ct) => { RemoveVm(resourceGroup, name, p, ct); return true; });
        }
    }
}
