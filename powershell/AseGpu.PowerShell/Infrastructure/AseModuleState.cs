using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// What the script module kept in $script: variables: the current device session, the context's
    /// environment name and the environments registered by Add-AzEnvironment (AseGpu.AzCompat).
    /// One per runspace (like a script module's state), not one per process, so runspaces on
    /// different devices do not share a session. Public so that scripts (the AzCompat script module)
    /// can reach it: [AseGpu.PowerShell.AseModuleState]::Current.
    /// </summary>
    public sealed class AseModuleState
    {
        static readonly ConditionalWeakTable<Runspace, AseModuleState> PerRunspace = new ConditionalWeakTable<Runspace, AseModuleState>();
        static readonly AseModuleState NoRunspace = new AseModuleState();
        readonly object _gate = new object();
        AseSession _session;

        /// <summary>The state of the calling thread's runspace (the pipeline thread's).</summary>
        public static AseModuleState Current
        {
            get
            {
                Runspace rs = Runspace.DefaultRunspace;
                return rs == null ? NoRunspace : PerRunspace.GetValue(rs, _ => new AseModuleState());
            }
        }

        /// <summary>Environments by name (Add-AzEnvironment): objects with a ResourceManagerUrl property.</summary>
        public Hashtable Environments { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        /// <summary>The environment name the current context was connected through (or null).</summary>
        public string EnvironmentName { get; private set; }

        /// <summary>The ARM endpoint of the current session (for verbose messages), or null.</summary>
        public string ArmEndpoint { get; private set; }

        /// <summary>The connected session, or null when not connected (or disconnected).</summary>
        public AseSession Session
        {
            get { lock (_gate) return _session == null || _session.IsDisposed ? null : _session; }
        }

        /// <summary>Makes <paramref name="session"/> current; the previous one is disconnected.</summary>
        public void SetSession(AseSession session, string environmentName, string armEndpoint)
        {
            AseSession old;
            lock (_gate)
            {
                old = _session;
                _session = session;
                EnvironmentName = environmentName;
                ArmEndpoint = armEndpoint;
            }
            if (old != null && !ReferenceEquals(old, session)) old.Dispose();
        }

        /// <summary>Disconnects (the password and tokens are zeroised by the library).</summary>
        public void Disconnect() { SetSession(null, null, null); }

        /// <summary>Registers an environment (Add-AzEnvironment) for Connect-AseDevice -EnvironmentName.</summary>
        public void RegisterEnvironment(string name, object environment)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentNullException(nameof(name));
            Environments[name] = environment;
        }

        /// <summary>The ARM URL of a registered environment (its ResourceManagerUrl), or null.</summary>
        public string EnvironmentUrl(string name)
        {
            if (string.IsNullOrEmpty(name) || !Environments.ContainsKey(name)) return null;
            object env = Environments[name];
            if (env is string s) return s;
            PSPropertyInfo p = PSObject.AsPSObject(env).Properties["ResourceManagerUrl"];
            return p?.Value?.ToString();
        }
    }

    /// <summary>Remove-Module AseGpu disconnects the session of the runspace that removes it.</summary>
    public sealed class AseModuleCleanup : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo) { AseModuleState.Current.Disconnect(); }
    }
}
