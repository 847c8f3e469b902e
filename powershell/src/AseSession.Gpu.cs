// AseSession, the GPU checks: availability and the deployment preflight (asegpu_gpu_availability, asegpu_gpu_preflight).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        /// <summary>asegpu_gpu_availability as JSON.</summary>
        public string GetGpuAvailabilityJson(CancellationToken ct)
        {
            return Invoke("gpuAvailability", null, ct, null,
                c => NativeMethods.asegpu_gpu_availability(c.Session, c.Cancel, out c.Json, out c.Error));
        }

        public AseGpuReport GetGpuAvailability() { return GetGpuAvailability(CancellationToken.None); }
        public AseGpuReport GetGpuAvailability(CancellationToken ct) { return AseGpuReport.FromJson(GetGpuAvailabilityJson(ct)); }
        public Task<AseGpuReport> GetGpuAvailabilityAsync(CancellationToken ct) { return Run(() => GetGpuAvailability(ct)); }
        public AseOperation StartGetGpuAvailability()
        {
            return new AseOperation("gpuAvailability", null, (p, ct) => GetGpuAvailability(ct));
        }

        /// <summary>asegpu_gpu_preflight as JSON. A failing verdict is not an error (Ok = false).</summary>
        public string TestDeploymentJson(string requestJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("gpuPreflight", null, ct, null,
                c => NativeMethods.asegpu_gpu_preflight(c.Session, r, c.Cancel, out c.Json, out c.Error));
        }

        public AsePreflightReport TestDeployment(AseDeploymentRequest request) { return TestDeployment(request, CancellationToken.None); }
        public AsePreflightReport TestDeployment(AseDeploymentRequest request, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AsePreflightReport.FromJson(TestDeploymentJson(request.ToPreflightJson(), ct));
        }

        /// <summary>Preflight of <paramref name="count"/> VMs of one size (no template).</summary>
        public AsePreflightReport TestVmSize(string vmSize, int count, CancellationToken ct)
        {
            return AsePreflightReport.FromJson(TestDeploymentJson(AseDeploymentRequest.SizePreflightJson(vmSize, count), ct));
        }

        public Task<AsePreflightReport> TestDeploymentAsync(AseDeploymentRequest request, CancellationToken ct) { return Run(() => TestDeployment(request, ct)); }
        public AseOperation StartTestDeployment(AseDeploymentRequest request)
        {
            return new AseOperation("gpuPreflight", request == null ? null : request.ResourceGroupName, (p, ct) => TestDeployment(request, ct));
        }
        public AseOperation StartTestVmSize(string vmSize, int count)
        {
            return new AseOperation("gpuPreflight", vmSize, (p, ct) => TestVmSize(vmSize, count, ct));
        }
    }
}
