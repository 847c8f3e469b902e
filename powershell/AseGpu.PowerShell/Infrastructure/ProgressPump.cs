using System;
using System.Collections.Concurrent;
using System.Threading;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// Carries progress events from the worker thread that runs the native call to the pipeline
    /// thread, where WriteProgress must be called: Report() queues and signals; the pipeline thread
    /// waits on <see cref="Signal"/> and drains.
    /// </summary>
    internal sealed class ProgressPump : IProgress<AseProgressEvent>, IDisposable
    {
        readonly ConcurrentQueue<AseProgressEvent> _queue = new ConcurrentQueue<AseProgressEvent>();
        readonly AutoResetEvent _signal = new AutoResetEvent(false);

        /// <summary>Set when an event is queued, or by <see cref="Wake"/>.</summary>
        internal WaitHandle Signal => _signal;

        public void Report(AseProgressEvent value)
        {
            if (value == null) return;
            _queue.Enqueue(value);
            Wake();
        }

        internal void Wake()
        {
            try { _signal.Set(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Hands every queued event to <paramref name="write"/>; true if there was any.</summary>
        internal bool Drain(Action<AseProgressEvent> write)
        {
            bool any = false;
            while (_queue.TryDequeue(out AseProgressEvent e))
            {
                write(e);
                any = true;
            }
            return any;
        }

        public void Dispose() { _signal.Dispose(); }
    }
}
