// AseSession, template deployments (asegpu_deployment_create).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
        /// <summary>asegpu_deployment_create as JSON (long-running: progress + cancellable).</summary>
        public string NewDeploymentJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("deploymentCreate", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_deployment_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Deploys a template after the preflight (PreflightFailed unless request.Force).</summary>
        public AseDeploymentResult NewDeployment(AseDeploymentRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            AseDeploymentResult r = AseDeploymentResult.FromJson(NewDeploymentJson(request.ToJson(), progress, null, ct));
            r.Parameters = new AseDeploymentParameters(request.CollectParameters());
            return r;
        }

        public AseDeploymentResult NewDeployment(AseDeploymentRequest request) { return NewDeployment(request, null, CancellationToken.None); }
        public Task<AseDeploymentResult> NewDeploymentAsync(AseDeploymentRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => NewDeployment(request, progress, ct));
        }
        public AseOperation StartNewDeployment(AseDeploymentRequest request)
        {
            return new AseOperation("deploymentCreate", request == null ? null : request.Name, (p, ct) => NewDeployment(request, p, ct));
        }
    }
}
