using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// -AsJob without ThreadJob: the operation runs on a worker thread of this process (the device
    /// session is a native handle and cannot cross into a Start-Job process). Output, errors,
    /// warnings, verbose and progress go into the job's collections; the job ends Completed, Failed
    /// (the error, as the cmdlet would have written it, in its Error stream) or Stopped. Stop-Job
    /// (StopJob) cancels the native operation through the binding's cancel token. Get-Job, Wait-Job,
    /// Receive-Job and Remove-Job work once it is in the job repository (AseCmdlet adds it).
    /// </summary>
    public sealed class AseJob : Job, IAseOutput
    {
        /// <summary>What Get-Job shows as PSJobTypeName.</summary>
        public const string JobTypeName = "AseGpuJob";

        readonly AseOperationSpec _spec;
        readonly InvocationInfo _invocation;
        readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        readonly object _gate = new object();
        Task _task;
        bool _finished;
        string _status = "NotStarted";

        public AseJob(string command, AseOperationSpec spec, InvocationInfo invocation)
            : base(command, spec?.Activity)
        {
            _spec = spec ?? throw new ArgumentNullException(nameof(spec));
            _invocation = invocation;
            PSJobTypeName = JobTypeName;
        }

        public override string StatusMessage => _status;

        public override string Location => "localhost";

        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Progress.Count > 0 || Debug.Count > 0;

        /// <summary>The operation's target (ErrorRecord.TargetObject of its errors).</summary>
        public object Target => _spec.Target;

        /// <summary>Starts the worker thread (once).</summary>
        public void StartJob()
        {
            lock (_gate)
            {
                if (_task != null) return;
                SetState(JobState.Running, "Running");
                _task = Task.Run(() => RunCore());
            }
        }

        void RunCore()
        {
            try
            {
                if (_spec.Details != null) WriteVerbose(_spec.Details);
                object result = _spec.Work(new JobProgress(this), _cancel.Token);
                _spec.Emit(result, this);
                Finish(JobState.Completed, "Completed");
            }
            catch (Exception) when (_cancel.IsCancellationRequested)
            {
                // Stop-Job: the native call returned Cancelled (or whatever it was doing failed meanwhile).
                Finish(JobState.Stopped, "Stopped");
            }
            catch (Exception e)
            {
                Exception cause = AseErrors.Unwrap(e);
                Error.Add(AseErrors.WithInvocation(AseErrors.Record(cause, _spec.Target), _invocation));
                Finish(JobState.Failed, "Failed: " + cause.Message);
            }
        }

        /// <summary>Stop-Job: cancels the native operation and waits (a few seconds at most) for it to return.</summary>
        public override void StopJob()
        {
            Task task;
            lock (_gate)
            {
                if (_finished) return;
                task = _task;
                SetState(JobState.Stopping, "Stopping");
                _cancel.Cancel();
            }
            if (task != null)
            {
                try { task.Wait(OperationRunner.StopGrace); }
                catch (AggregateException) { }
            }
            Finish(JobState.Stopped, "Stopped");
        }

        // Every state change happens under _gate, so a Stop-Job racing the end of the work cannot
        // leave the job Stopping, nor turn a finished job into another state.
        void Finish(JobState state, string status)
        {
            lock (_gate)
            {
                if (_finished) return;
                _finished = true;
                SetState(state, status);
            }
        }

        // No JobStateInfo.Reason on failure (only the internal SetJobState(state, reason) sets it): with
        // a reason, Receive-Job writes a second, generic "JobStateFailed" error after the real one.
        void SetState(JobState state, string status)
        {
            _status = status;
            SetJobState(state);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lock (_gate)
                {
                    if (!_finished) _cancel.Cancel();
                }
            }
            base.Dispose(disposing);
        }

        // ---- IAseOutput: the job's collections (thread-safe PSDataCollections) ----

        void IAseOutput.WriteObject(object value, bool enumerateCollection)
        {
            if (enumerateCollection && value is System.Collections.IEnumerable items && !(value is string) && !(value is System.Collections.IDictionary))
            {
                foreach (object item in items) Output.Add(PSObject.AsPSObject(item));
                return;
            }
            Output.Add(PSObject.AsPSObject(value));
        }

        void IAseOutput.WriteWarning(string text) { Warning.Add(new WarningRecord(text)); }

        void IAseOutput.WriteError(ErrorRecord record) { Error.Add(AseErrors.WithInvocation(record, _invocation)); }

        public void WriteVerbose(string text) { Verbose.Add(new VerboseRecord(text)); }

        sealed class JobProgress : IProgress<AseProgressEvent>
        {
            readonly AseJob _job;

            internal JobProgress(AseJob job) { _job = job; }

            public void Report(AseProgressEvent value)
            {
                if (value == null) return;
                if (AseProgress.IsWarning(value))
                {
                    ((IAseOutput)_job).WriteWarning(value.Message);
                    return;
                }
                _job.Progress.Add(AseProgress.Record(_job._spec.Activity, value));
                _job.WriteVerbose(AseProgress.VerboseText(value));
            }
        }
    }
}
