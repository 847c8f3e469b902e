using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using AseGpu.PowerShell;

namespace AseGpu.AzCompat
{
    /// <summary>Template deployments as Az.Resources shows them, over DeploymentService (preflight + deploy).</summary>
    public static class AzDeploymentService
    {
        public static string DeploymentPath(string groupPath, string name) =>
            groupPath + "/providers/Microsoft.Resources/deployments" + (name == null ? "" : "/" + Uri.EscapeDataString(name));

        /// <summary>The deployment as ARM has it now, with the library's VMs and preflight attached.</summary>
        public static PSResourceGroupDeployment Describe(AseSession session, string groupPath, string resourceGroup, AseDeploymentResult result,
            System.Threading.CancellationToken ct)
        {
            PSResourceGroupDeployment d;
            try
            {
                d = PSResourceGroupDeployment.FromArm(session.ArmRequest("GET", DeploymentPath(groupPath, result.DeploymentName), Arm.ResourcesApi, null, null, null, ct), resourceGroup);
            }
            catch (AseGpuException e) when (e.Status != AseStatus.Cancelled)
            {
                // ARM does not answer for it (yet): what the library reported.
                d = new PSResourceGroupDeployment
                {
                    DeploymentName = result.DeploymentName,
                    ResourceGroupName = result.ResourceGroupName ?? resourceGroup,
                    ProvisioningState = result.ProvisioningState,
                    Timestamp = result.Timestamp ?? DateTime.UtcNow,
                    Outputs = PSResourceGroupDeployment.Variables(AseJson.Parse(result.OutputsJson), false),
                };
            }
            d.Vms = result.Vms ?? new AseVmView[0];
            d.Preflight = result.Preflight;
            return d;
        }

        /// <summary>The preflight's findings as warnings (errors too: they were overridden with -SkipGpuPreflight).</summary>
        public static void WarnFindings(AsePreflightReport report, IAseOutput output)
        {
            if (report?.Findings == null) return;
            foreach (AsePreflightFinding f in report.Findings.Where(f => f.Severity == "error" || f.Severity == "warning"))
                output.WriteWarning("GPU preflight: " + f.Code + ": " + f.Message + (string.IsNullOrEmpty(f.Fix) ? "" : " Fix: " + f.Fix));
        }
    }

    [Cmdlet(VerbsCommon.New, "AzResourceGroupDeployment", SupportsShouldProcess = true, DefaultParameterSetName = FileNoParameters)]
    [OutputType(typeof(PSResourceGroupDeployment))]
    public sealed class NewAzResourceGroupDeploymentCommand : AzResourcesCmdlet, IDynamicParameters
    {
        const string FileNoParameters = "ByTemplateFileWithNoParameters", FileObject = "ByTemplateFileAndParameterObject", FileFile = "ByTemplateFileAndParameterFile", FileUri = "ByTemplateFileAndParameterUri";
        const string ObjectNoParameters = "ByTemplateObjectWithNoParameters", ObjectObject = "ByTemplateObjectAndParameterObject", ObjectFile = "ByTemplateObjectAndParameterFile", ObjectUri = "ByTemplateObjectAndParameterUri";
        const string UriNoParameters = "ByTemplateUriWithNoParameters", UriObject = "ByTemplateUriAndParameterObject", UriFile = "ByTemplateUriAndParameterFile", UriUri = "ByTemplateUriAndParameterUri";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("DeploymentName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DeploymentMode Mode { get; set; } = DeploymentMode.Incremental;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("RequestContent", "ResponseContent", "All", "None", IgnoreCase = true)]
        public string DeploymentDebugLogLevel { get; set; }

        [Parameter]
        public SwitchParameter RollbackToLastDeployment { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string RollBackDeploymentName { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter(ParameterSetName = ObjectObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public Hashtable TemplateParameterObject { get; set; }

        [Parameter(ParameterSetName = ObjectFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string TemplateParameterFile { get; set; }

        [Parameter(ParameterSetName = ObjectUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string TemplateParameterUri { get; set; }

        [Parameter(ParameterSetName = ObjectNoParameters, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ObjectObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ObjectFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ObjectUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public Hashtable TemplateObject { get; set; }

        [Parameter(ParameterSetName = FileNoParameters, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = FileUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string TemplateFile { get; set; }

        [Parameter(ParameterSetName = UriNoParameters, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriObject, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriFile, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = UriUri, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string TemplateUri { get; set; }

        [Parameter]
        public SwitchParameter SkipTemplateParameterPrompt { get; set; }

        /// <summary>AseGpu extra: deploy even when the GPU preflight says the deployment will fail (Az's -Force only skips confirmation).</summary>
        [Parameter]
        public SwitchParameter SkipGpuPreflight { get; set; }

        RuntimeDefinedParameterDictionary _templateParameters;
        readonly Dictionary<string, string> _templateNameOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// The template's parameters as parameters of this command, as Az makes them: read from -TemplateFile
        /// (or -TemplateObject), typed from the template, mandatory when the template has no default and neither
        /// -TemplateParameterObject nor -TemplateParameterFile gives a value (never with -SkipTemplateParameterPrompt);
        /// a name that clashes with one of the cmdlet's own parameters gets the suffix "FromTemplate".
        /// </summary>
        public object GetDynamicParameters()
        {
            _templateParameters = new RuntimeDefinedParameterDictionary();
            IDictionary<string, object> template = null;
            try
            {
                if (TemplateObject != null) template = AseJson.Parse(AseJson.Serialize(TemplateObject)) as IDictionary<string, object>;
                else if (!string.IsNullOrEmpty(TemplateFile))
                {
                    string path = GetUnresolvedProviderPathFromPSPath(TemplateFile);
                    if (File.Exists(path)) template = AseJson.Parse(ReadJsonText(path)) as IDictionary<string, object>;
                }
            }
            catch (Exception e) when (e is IOException || e is FormatException || e is UnauthorizedAccessException || e is ArgumentException
                || e is NotSupportedException || e is ItemNotFoundException || e is PSInvalidOperationException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
            {
                return _templateParameters;   // the deployment reports the problem
            }
            if (!(Arm.Get(template, "parameters") is IDictionary<string, object> parameters)) return _templateParameters;
            HashSet<string> given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (TemplateParameterObject != null) foreach (object k in TemplateParameterObject.Keys) given.Add(k.ToString());
            foreach (string k in ParameterFileNames()) given.Add(k);
            HashSet<string> own = new HashSet<string>(MyInvocation.MyCommand.Parameters.Keys, StringComparer.OrdinalIgnoreCase);
            foreach (string common in CommonParameterNames) own.Add(common);
            foreach (KeyValuePair<string, object> kv in parameters)
            {
                string name = own.Contains(kv.Key) ? kv.Key + "FromTemplate" : kv.Key;
                if (_templateParameters.ContainsKey(name)) continue;
                bool hasDefault = Arm.Get(kv.Value, "defaultValue") != null || (kv.Value is IDictionary<string, object> dv && dv.Keys.Any(x => string.Equals(x, "defaultValue", StringComparison.OrdinalIgnoreCase)));
                ParameterAttribute attr = new ParameterAttribute
                {
                    Mandatory = !hasDefault && !given.Contains(kv.Key) && !SkipTemplateParameterPrompt,
                    ValueFromPipelineByPropertyName = true,
                    HelpMessage = Arm.Str(kv.Value, "metadata", "description"),
                };
                Collection<Attribute> attrs = new Collection<Attribute> { attr };
                if (Arm.List(kv.Value, "allowedValues").Any())
                {
                    string[] allowed = Arm.List(kv.Value, "allowedValues").Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    attrs.Add(new ValidateSetAttribute(allowed) { IgnoreCase = true });
                }
                _templateNameOf[name] = kv.Key;
                _templateParameters.Add(name, new RuntimeDefinedParameter(name, ClrType(Arm.Str(kv.Value, "type")), attrs));
            }
            return _templateParameters;
        }

        static readonly string[] CommonParameterNames =
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
        };

        static Type ClrType(string armType)
        {
            switch ((armType ?? "string").ToLowerInvariant())
            {
                case "securestring": return typeof(SecureString);
                case "int": return typeof(int);
                case "bool": return typeof(bool);
                case "object": case "secureobject": return typeof(Hashtable);
                case "array": return typeof(object[]);
                default: return typeof(string);
            }
        }

        static string ReadJsonText(string path) => File.ReadAllText(path).TrimStart('\uFEFF');

        IEnumerable<string> ParameterFileNames()
        {
            if (string.IsNullOrEmpty(TemplateParameterFile)) return Enumerable.Empty<string>();
            try
            {
                string path = GetUnresolvedProviderPathFromPSPath(TemplateParameterFile);
                if (!File.Exists(path)) return Enumerable.Empty<string>();
                object doc = AseJson.Parse(ReadJsonText(path));
                object ps = Arm.Get(doc, "parameters") ?? doc;
                return ps is IDictionary<string, object> d ? d.Keys.Where(k => !k.StartsWith("$", StringComparison.Ordinal)).ToArray() : Enumerable.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is FormatException || e is UnauthorizedAccessException || e is ArgumentException
                || e is NotSupportedException || e is ItemNotFoundException || e is PSInvalidOperationException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
            {
                return Enumerable.Empty<string>();
            }
        }

        /// <summary>-TemplateParameterObject, then the template parameters given on the command line (they win, as in Az).</summary>
        Hashtable Overrides()
        {
            Hashtable values = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (TemplateParameterObject != null)
                foreach (DictionaryEntry kv in TemplateParameterObject) values[kv.Key.ToString()] = Plain(kv.Value);
            if (_templateParameters != null)
                foreach (RuntimeDefinedParameter p in _templateParameters.Values)
                    if (p.IsSet)
                        values[_templateNameOf.TryGetValue(p.Name, out string t) ? t : p.Name] = Plain(p.Value);
            return values;
        }

        static object Plain(object v)
        {
            v = Arm.Base(v);
            if (v is SecureString s)
            {
                IntPtr p = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(s);
                try { return System.Runtime.InteropServices.Marshal.PtrToStringUni(p); }
                finally { System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(p); }
            }
            return v;
        }

        protected override void ExecuteCmdlet()
        {
            IgnoreApiVersion();
            IgnoredOnDevice(nameof(DeploymentDebugLogLevel));
            NotSupportedOnDevice("the device keeps no rollback deployments", nameof(RollbackToLastDeployment), nameof(RollBackDeploymentName));
            if (Mode == DeploymentMode.Complete)
                ThrowNotSupported("-Mode Complete would delete what the template does not list; the device's deployments run Incremental only.", "Mode");
            if (Opt(TemplateUri) != null || Opt(TemplateParameterUri) != null)
                ThrowNotSupported("the device cannot fetch templates from a URI: download the file and pass -TemplateFile / -TemplateParameterFile.", Opt(TemplateUri) ?? TemplateParameterUri);
            AseSession session = RequireAzSession();
            string templateFile = TemplateObject == null ? ResolveExistingFile(TemplateFile) : null;
            string parameterFile = Opt(TemplateParameterFile) == null ? null : ResolveExistingFile(TemplateParameterFile);
            Hashtable overrides = Overrides();
            AseDeploymentRequest request = DeploymentService.Request(ResourceGroupName, Opt(Name), templateFile, parameterFile,
                overrides.Count > 0 ? overrides : null, SkipGpuPreflight);
            if (TemplateObject != null) request.Template = TemplateObject;
            string what = templateFile != null ? Path.GetFileName(templateFile) : "template object";
            if (!ShouldProcess(ResourceGroupName, "Create a deployment from " + what)) return;
            if (SkipGpuPreflight) WriteWarning("-SkipGpuPreflight: deploying even if the GPU preflight says the deployment will fail.");
            string groupPath = GroupPath(session, ResourceGroupName);
            string rg = ResourceGroupName;
            AseOperationSpec deploy = DeploymentService.New(session, request);
            Invoke(new AseOperationSpec(deploy.Activity, deploy.Target, (p, ct) =>
            {
                AseDeploymentResult result = (AseDeploymentResult)deploy.Work(p, ct);
                return AzDeploymentService.Describe(session, groupPath, rg, result, ct);
            }, (r, o) =>
            {
                PSResourceGroupDeployment d = (PSResourceGroupDeployment)r;
                AzDeploymentService.WarnFindings(d.Preflight, o);
                o.WriteObject(d, false);
            }) { Details = deploy.Details }, AsJob);
        }
    }

    [Cmdlet(VerbsCommon.Get, "AzResourceGroupDeployment", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(PSResourceGroupDeployment))]
    public sealed class GetAzResourceGroupDeploymentCommand : AzResourcesCmdlet
    {
        const string NameSet = "GetByResourceGroupDeploymentName", IdSet = "GetByResourceGroupDeploymentId";

        [Parameter(ParameterSetName = NameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = NameSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DeploymentName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DeploymentId", "ResourceId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        protected override void ExecuteCmdlet()
        {
            IgnoreApiVersion();
            AseSession session = RequireAzSession();
            string rg = ResourceGroupName, name = Opt(Name);
            if (ParameterSetName == IdSet) ParseIdOrFail(Id, out rg, out name);
            string path = AzDeploymentService.DeploymentPath(GroupPath(session, rg), name);
            Run(name == null ? "Listing deployments of '" + rg + "'" : "Getting deployment '" + name + "'", name ?? rg,
                (p, ct) => session.ArmRequest("GET", path, Arm.ResourcesApi, null, null, null, ct), (r, o) =>
                {
                    if (name != null) o.WriteObject(PSResourceGroupDeployment.FromArm(r, rg), false);
                    else foreach (object d in Arm.Values(r)) o.WriteObject(PSResourceGroupDeployment.FromArm(d, rg), false);
                });
        }
    }
}
