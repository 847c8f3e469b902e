using System;
using System.Management.Automation;
using System.Threading;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// Base of every AseGpu cmdlet (and of the Az-shaped ones to come): the current session, empty
    /// strings as absent, operations with progress / Ctrl+C / -AsJob, errors as PowerShell's own
    /// cmdlets write them, ShouldProcess with -Force, and file paths. Derived cmdlets implement
    /// <see cref="ExecuteCmdlet"/> (once per pipeline record) and stay thin: they map parameters to a
    /// service call that returns an <see cref="AseOperationSpec"/> and hand it to <see cref="Invoke(AseOperationSpec, bool)"/>.
    /// An AseGpuException (or other reportable failure) escaping ExecuteCmdlet is written as a
    /// non-terminating error for that record; the ones that must stop the cmdlet use ThrowTerminatingError.
    /// </summary>
    public abstract class AseCmdlet : PSCmdlet
    {
        readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>Cancelled by Ctrl+C / StopProcessing; every operation of this cmdlet runs with it.</summary>
        protected CancellationToken StopToken => _stop.Token;

        /// <summary>The module state of this runspace (session, environments).</summary>
        protected AseModuleState State => AseModuleState.Current;

        // ---- parameters -----------------------------------------------------------------------

        /// <summary>
        /// An optional string as the library wants it: null when absent. PowerShell binds $null (and
        /// an unset script variable) to a .NET string parameter as "", which is not "absent" to the library.
        /// </summary>
        protected static string Opt(string value) => string.IsNullOrEmpty(value) ? null : value;

        /// <summary>Whether the parameter was given (the script module's $PSBoundParameters.ContainsKey).</summary>
        protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

        // ---- session --------------------------------------------------------------------------

        /// <summary>The connected session; a terminating NotConnected error when there is none.</summary>
        protected AseSession RequireSession()
        {
            AseSession session = State.Session;
            if (session == null) ThrowTerminatingError(AseErrors.NotConnected());
            return session;
        }

        // ---- running operations ---------------------------------------------------------------

        /// <summary>
        /// Runs <paramref name="operation"/>: on the pipeline (progress, Ctrl+C cancels; a failure is a
        /// non-terminating error for this record) or, with <paramref name="asJob"/>, as an AseJob that
        /// is added to the job repository and output.
        /// </summary>
        protected void Invoke(AseOperationSpec operation, bool asJob = false)
        {
            if (asJob)
            {
                StartJob(operation);
                return;
            }
            if (TryRun(operation, out object result)) operation.Emit(result, new CmdletOutput(this));
        }

        /// <summary>Runs on the pipeline and returns the result (null after writing the error of a failure).</summary>
        protected object InvokeForResult(AseOperationSpec operation)
        {
            return TryRun(operation, out object result) ? result : null;
        }

        /// <summary>Runs on the pipeline; true with the result, or false after writing the failure as a non-terminating error.</summary>
        protected bool TryRun(AseOperationSpec operation, out object result)
        {
            WriteVerbose(VerboseStart(operation));
            try
            {
                result = OperationRunner.Run(this, operation, StopToken);
                return true;
            }
            catch (Exception e) when (AseErrors.IsReportable(e) && !(AseErrors.Unwrap(e) is AseGpuLoadException) && !Stopping)
            {
                WriteAseError(e, operation.Target);
                result = null;
                return false;
            }
        }

        /// <summary>Starts <paramref name="operation"/> as an AseJob, adds it to the repository and outputs it.</summary>
        protected AseJob StartJob(AseOperationSpec operation)
        {
            WriteVerbose(VerboseStart(operation) + " (as a job)");
            string command = MyInvocation.MyCommand.Name + (operation.Target == null ? "" : " " + operation.Target);
            AseJob job = new AseJob(command, operation, MyInvocation);
            JobRepository.Add(job);
            job.StartJob();
            WriteObject(job);
            return job;
        }

        string VerboseStart(AseOperationSpec operation)
        {
            AseSession session = State.Session;
            string where = session == null ? "" : " on " + State.ArmEndpoint;
            return operation.Activity + where + (operation.Details == null ? "" : ": " + operation.Details);
        }

        protected override void StopProcessing()
        {
            try { _stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }

        // ---- errors ---------------------------------------------------------------------------

        /// <summary>A non-terminating error (respects -ErrorAction, -ErrorVariable, $ErrorActionPreference).</summary>
        protected void WriteAseError(Exception exception, object target)
        {
            WriteError(AseErrors.Record(exception, target));
        }

        /// <summary>A terminating error of our own (bad argument, missing file...).</summary>
        protected void ThrowError(Exception exception, string errorId, ErrorCategory category, object target)
        {
            ThrowTerminatingError(AseErrors.Make(exception, errorId, category, target));
        }

        /// <summary>A terminating InvalidArgument error.</summary>
        protected void ThrowArgumentError(string errorId, string message, object target)
        {
            ThrowError(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);
        }

        // ---- the record loop ------------------------------------------------------------------

        /// <summary>The cmdlet's work for one pipeline record.</summary>
        protected abstract void ExecuteCmdlet();

        protected sealed override void ProcessRecord()
        {
            try
            {
                ExecuteCmdlet();
            }
            catch (Exception e) when (AseErrors.Unwrap(e) is AseGpuLoadException)
            {
                // Nothing works without the native library: stop here.
                ThrowTerminatingError(AseErrors.Record(e, null));
            }
            catch (Exception e) when (AseErrors.IsReportable(e) && !Stopping)
            {
                WriteAseError(e, null);
            }
        }

        // ---- ShouldProcess --------------------------------------------------------------------

        /// <summary>
        /// ShouldProcess where -Force means "do not ask" (the script module's $ConfirmPreference = 'None'
        /// under -Force): with -Force and without an explicit -Confirm, no prompt, but -WhatIf still only
        /// says what would happen.
        /// </summary>
        protected bool ShouldProcessForce(string target, string action, bool force)
        {
            if (!force || IsBound("Confirm")) return ShouldProcess(target, action);
            if (IsWhatIf()) return ShouldProcess(target, action);   // prints "What if: ..." and returns false
            WriteVerbose("Performing the operation \"" + action + "\" on target \"" + target + "\" (-Force).");
            return true;
        }

        /// <summary>-WhatIf given, or $WhatIfPreference set in the caller's scope.</summary>
        protected bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object w)) return LanguagePrimitives.IsTrue(w);
            return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference", false));
        }

        /// <summary>
        /// ShouldContinue that cannot hang a non-interactive session: where the host cannot prompt
        /// (-NonInteractive, no UI) a terminating ConfirmationRequired error tells the caller to pass -Force.
        /// </summary>
        protected bool ShouldContinueOrFail(string query, string caption, object target)
        {
            try
            {
                return ShouldContinue(query, caption);
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException || e is NotImplementedException)
            {
                ThrowError(new InvalidOperationException(query + " The session cannot prompt (" + e.Message + "): pass -Force to go ahead.", e),
                    "ConfirmationRequired", ErrorCategory.InvalidOperation, target);
                return false;
            }
        }

        // ---- paths ----------------------------------------------------------------------------

        /// <summary>An existing file as a full file-system path (PowerShell-relative, PSDrives); terminating FileNotFound otherwise.</summary>
        protected string ResolveExistingFile(string path)
        {
            try
            {
                string full = GetUnresolvedProviderPathFromPSPath(path);
                if (System.IO.File.Exists(full)) return full;
            }
            catch (Exception e) when (e is ItemNotFoundException || e is ProviderNotFoundException || e is DriveNotFoundException
                || e is NotSupportedException || e is ArgumentException || e is PSInvalidOperationException)
            {
            }
            ThrowError(new System.IO.FileNotFoundException("File not found: " + path, path), "FileNotFound", ErrorCategory.ObjectNotFound, path);
            return null;
        }

        /// <summary>A file to write, as a full file-system path.</summary>
        protected string ResolveNewFile(string path) => GetUnresolvedProviderPathFromPSPath(path);
    }
}
