using System.Collections;
using System.Linq;

namespace AseGpu.PowerShell
{
    /// <summary>GPU availability, the GPU preflight and template deployments.</summary>
    public static class DeploymentService
    {
        public static AseOperationSpec GpuAvailability(AseSession session)
        {
            return new AseOperationSpec("Reading GPU availability", null, (p, ct) => session.GetGpuAvailability(ct));
        }

        /// <summary>A deployment request; file paths must already be full file-system paths.</summary>
        public static AseDeploymentRequest Request(string resourceGroup, string name, string templateFile, string parameterFile,
            IDictionary parameters, bool force)
        {
            return new AseDeploymentRequest
            {
                ResourceGroupName = resourceGroup,
                Name = name,
                TemplateFile = templateFile,
                TemplateParameterFile = parameterFile,
                Parameters = parameters,
                Force = force,
            };
        }

        /// <summary>Preflight of a template deployment; error findings become warnings, then the report.</summary>
        public static AseOperationSpec Test(AseSession session, AseDeploymentRequest request)
        {
            return new AseOperationSpec("Preflight of " + System.IO.Path.GetFileName(request.TemplateFile), request.TemplateFile,
                (p, ct) => session.TestDeployment(request, ct), EmitReport)
            {
                Details = Describe(request),
            };
        }

        /// <summary>Preflight of <paramref name="count"/> VMs of one size.</summary>
        public static AseOperationSpec TestSize(AseSession session, string vmSize, int count)
        {
            return new AseOperationSpec("Preflight of " + count + " x " + vmSize, vmSize,
                (p, ct) => session.TestVmSize(vmSize, count, ct), EmitReport);
        }

        static void EmitReport(object result, IAseOutput output)
        {
            if (!(result is AsePreflightReport report)) return;
            foreach (AsePreflightFinding f in (report.Findings ?? new AsePreflightFinding[0]).Where(f => f.Severity == "error"))
                output.WriteWarning(f.Code + ": " + f.Message + " Fix: " + f.Fix);
            output.WriteObject(report, false);
        }

        /// <summary>Deploys after the preflight (refused unless request.Force when it would fail); the result is an AseDeploymentResult.</summary>
        public static AseOperationSpec New(AseSession session, AseDeploymentRequest request)
        {
            string what = request.TemplateFile != null ? System.IO.Path.GetFileName(request.TemplateFile) : "template";
            return new AseOperationSpec("Deploying " + what + " to '" + request.ResourceGroupName + "'", request.ResourceGroupName,
                (p, ct) => session.NewDeployment(request, p, ct))
            {
                Details = Describe(request),
            };
        }

        // The request in words: files and parameter NAMES only (values may be passwords).
        static string Describe(AseDeploymentRequest r)
        {
            string text = "template " + (r.TemplateFile ?? "(object)");
            if (r.ResourceGroupName != null) text += ", resource group " + r.ResourceGroupName;
            if (r.Name != null) text += ", deployment " + r.Name;
            if (r.TemplateParameterFile != null) text += ", parameter file " + r.TemplateParameterFile;
            if (r.Parameters != null && r.Parameters.Count > 0)
                text += ", parameters " + string.Join(", ", r.Parameters.Keys.Cast<object>().Select(k => k.ToString()));
            if (r.Force) text += ", -Force";
            return text;
        }
    }
}
