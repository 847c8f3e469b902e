using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// Runs an operation for a cmdlet: the native call on a worker thread, the pipeline thread
    /// meanwhile turning progress events into WriteProgress/WriteVerbose (both must be called on the
    /// pipeline thread). Ctrl+C (StopProcessing cancels <c>stop</c>) cancels the native call through
    /// the binding's cancel token and ends the cmdlet with PipelineStoppedException.
    /// </summary>
    internal static class OperationRunner
    {
        /// <summary>How long a cancelled native call may take to return before the cmdlet stops anyway.</summary>
        internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

        /// <summary>The work's result; its exception (AseGpuException...) is rethrown as it is.</summary>
        internal static object Run(Cmdlet cmdlet, AseOperationSpec spec, CancellationToken stop)
        {
            ProgressPump pump = new ProgressPump();
            Task<object> task = Task.Run(() => spec.Work(pump, stop));
            task.ContinueWith(_ => pump.Wake(), TaskContinuationOptions.ExecuteSynchronously);
            bool shown = false;
            try
            {
                WaitHandle[] wake = { pump.Signal, stop.WaitHandle };
                while (!task.IsCompleted && !stop.IsCancellationRequested)
                {
                    WaitHandle.WaitAny(wake, 250);
                    shown |= pump.Drain(e => Write(cmdlet, spec.Activity, e));
                }
                if (stop.IsCancellationRequested) throw Stopped(task);
                shown |= pump.Drain(e => Write(cmdlet, spec.Activity, e));
            }
            finally
            {
                if (shown && !stop.IsCancellationRequested) cmdlet.WriteProgress(AseProgress.Completed(spec.Activity));
                if (task.IsCompleted) pump.Dispose();
            }
            return task.GetAwaiter().GetResult();
        }

        static void Write(Cmdlet cmdlet, string activity, AseProgressEvent e)
        {
            if (AseProgress.IsWarning(e))
            {
                cmdlet.WriteWarning(e.Message);
                return;
            }
            cmdlet.WriteProgress(AseProgress.Record(activity, e));
            cmdlet.WriteVerbose(AseProgress.VerboseText(e));
        }

        // Ctrl+C: the token is already cancelled (the native call sees it); give it a moment to return.
        static PipelineStoppedException Stopped(Task task)
        {
            try { task.Wait(StopGrace); }
            catch (AggregateException) { }
            return new PipelineStoppedException();
        }
    }
}
