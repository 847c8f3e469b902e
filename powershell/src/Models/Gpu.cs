// Models of the GPU checks: the availability report (asegpu_gpu_availability) and the preflight (asegpu_gpu_preflight).
using System.Collections.Generic;
using System.Linq;

namespace AseGpu
{
    /// <summary>asegpu_gpu_availability: the device's GPUs, who holds them and how many are free. The
    /// *Source properties say where a fact came from (ARM, or the connection's device facts).</summary>
    public sealed class AseGpuReport
    {
        public string GpuModel { get; private set; }
        public string GpuModelSource { get; private set; }
        public int? GpuCount { get; private set; }
        public string GpuCountSource { get; private set; }
        public bool? KubernetesConfigured { get; private set; }
        public string KubernetesSource { get; private set; }
        public AseGpuVm[] GpuVms { get; private set; }
        public int GpusHeldByVms { get; private set; }
        public int? GpusClaimedByKubernetes { get; private set; }
        public int? FreeGpus { get; private set; }
        public string[] Notes { get; private set; }
        public string Json { get; private set; }

        internal static AseGpuReport From(IDictionary<string, object> d, string json)
        {
            return new AseGpuReport
            {
                GpuModel = AseJson.Str(d, "gpuModel"),
                GpuModelSource = AseJson.Str(d, "gpuModelSource"),
                GpuCount = J.Int(d, "gpuCount"),
                GpuCountSource = AseJson.Str(d, "gpuCountSource"),
                KubernetesConfigured = J.Bool(d, "kubernetesConfigured"),
                KubernetesSource = AseJson.Str(d, "kubernetesSource"),
                GpuVms = J.Objs(d, "gpuVms").Select(AseGpuVm.From).ToArray(),
                GpusHeldByVms = J.Int(d, "gpusHeldByVms") ?? 0,
                GpusClaimedByKubernetes = J.Int(d, "gpusClaimedByKubernetes"),
                FreeGpus = J.Int(d, "freeGpus"),
                Notes = J.Strs(d, "notes"),
                Json = json,
            };
        }

        public static AseGpuReport FromJson(string json) { return From(J.Doc(json, "GPU report"), json); }
    }

    /// <summary>A GPU VM in the availability report and whether it holds its GPUs now.</summary>
    public sealed class AseGpuVm
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string VmSize { get; private set; }
        public int Gpus { get; private set; }
        public string PowerState { get; private set; }
        public bool HoldsGpus { get; private set; }

        internal static AseGpuVm From(IDictionary<string, object> d)
        {
            return new AseGpuVm
            {
                Name = AseJson.Str(d, "name"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                VmSize = AseJson.Str(d, "vmSize"),
                Gpus = J.Int(d, "gpus") ?? 0,
                PowerState = AseJson.Str(d, "powerState"),
                HoldsGpus = J.Bool(d, "holdsGpus") ?? false,
            };
        }

        public override string ToString() { return Name; }
    }

    /// <summary>asegpu_gpu_preflight: will the deployment fit (Ok, Verdict), and the findings with causes and fixes.</summary>
    public sealed class AsePreflightReport
    {
        public bool Ok { get; private set; }
        public string Verdict { get; private set; }
        public int GpusNeeded { get; private set; }
        public AsePreflightFinding[] Findings { get; private set; }
        public AsePlannedVm[] Planned { get; private set; }
        public AseGpuReport Availability { get; private set; }
        public string Json { get; private set; }

        internal static AsePreflightReport From(IDictionary<string, object> d, string json)
        {
            IDictionary<string, object> a = J.Obj(d, "availability");
            return new AsePreflightReport
            {
                Ok = J.Bool(d, "ok") ?? false,
                Verdict = AseJson.Str(d, "verdict"),
                GpusNeeded = J.Int(d, "gpusNeeded") ?? 0,
                Findings = J.Objs(d, "findings").Select(AsePreflightFinding.From).ToArray(),
                Planned = J.Objs(d, "planned").Select(AsePlannedVm.From).ToArray(),
                Availability = a == null ? null : AseGpuReport.From(a, AseJson.Serialize(a)),
                Json = json,
            };
        }

        public static AsePreflightReport FromJson(string json) { return From(J.Doc(json, "preflight report"), json); }
    }

    /// <summary>One preflight finding: severity (error/warning/info), code, message and the fix.</summary>
    public sealed class AsePreflightFinding
    {
        public string Severity { get; private set; }
        public string Code { get; private set; }
        public string Message { get; private set; }
        public string Fix { get; private set; }

        internal static AsePreflightFinding From(IDictionary<string, object> d)
        {
            return new AsePreflightFinding
            {
                Severity = AseJson.Str(d, "severity"),
                Code = AseJson.Str(d, "code"),
                Message = AseJson.Str(d, "message"),
                Fix = AseJson.Str(d, "fix"),
            };
        }

        public override string ToString() { return Severity + " " + Code + ": " + Message; }
    }

    /// <summary>A VM a planned deployment would create.</summary>
    public sealed class AsePlannedVm
    {
        public string Name { get; private set; }
        public string VmSize { get; private set; }
        public string ResourceGroup { get; private set; }
        public string ImageId { get; private set; }

        internal static AsePlannedVm From(IDictionary<string, object> d)
        {
            return new AsePlannedVm
            {
                Name = AseJson.Str(d, "name"),
                VmSize = AseJson.Str(d, "vmSize"),
                ResourceGroup = AseJson.Str(d, "resourceGroup"),
                ImageId = AseJson.Str(d, "imageId"),
            };
        }

        public override string ToString() { return Name + " (" + VmSize + ")"; }
    }
}
