using System;
using System.Threading;

namespace AseGpu.PowerShell
{
    /// <summary>The work of one operation: runs on a worker thread, reports progress, honours the token.</summary>
    public delegate object AseWork(IProgress<AseProgressEvent> progress, CancellationToken cancel);

    /// <summary>Turns the result of the work into output (objects, warnings); runs on the pipeline thread,
    /// or on the job's worker thread with -AsJob, so it only talks to <see cref="IAseOutput"/>.</summary>
    public delegate void AseEmit(object result, IAseOutput output);

    /// <summary>
    /// One long or short operation against the device: what to show (Activity, Target), what to do
    /// (Work) and what to output (Emit). The services build these; AseCmdlet.Invoke runs them on the
    /// pipeline (progress, Ctrl+C, errors) or as an AseJob (-AsJob).
    /// </summary>
    public sealed class AseOperationSpec
    {
        public AseOperationSpec(string activity, object target, AseWork work, AseEmit emit = null)
        {
            Activity = string.IsNullOrEmpty(activity) ? "AseGpu" : activity;
            Target = target;
            Work = work ?? throw new ArgumentNullException(nameof(work));
            Emit = emit ?? EmitResult;
        }

        /// <summary>Progress activity, verbose text and job name ("Removing VM 'vm1'").</summary>
        public string Activity { get; }

        /// <summary>What the operation is about (ErrorRecord.TargetObject).</summary>
        public object Target { get; }

        public AseWork Work { get; }

        public AseEmit Emit { get; }

        /// <summary>Extra verbose text written when the operation starts (the request, never a secret).</summary>
        public string Details { get; set; }

        /// <summary>The same operation with another output step.</summary>
        public AseOperationSpec WithEmit(AseEmit emit)
        {
            return new AseOperationSpec(Activity, Target, Work, emit) { Details = Details };
        }

        /// <summary>The default output: the result, enumerated (arrays become one object each); nothing for null.</summary>
        public static void EmitResult(object result, IAseOutput output)
        {
            if (result != null) output.WriteObject(result, true);
        }

        /// <summary>Output $true (what the remove cmdlets' jobs and -PassThru give).</summary>
        public static void EmitTrue(object result, IAseOutput output) { output.WriteObject(true, false); }

        /// <summary>Output nothing.</summary>
        public static void EmitNothing(object result, IAseOutput output) { }
    }
}
