// AseOperation: a call running on the thread pool, with a progress queue PowerShell drains and a Cancel().
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    /// <summary>
    /// A call running on a thread-pool thread. Progress events are queued so that PowerShell can
    /// drain them on its pipeline thread (Write-Progress is thread-affine); Cancel() cancels the
    /// native call through its cancel token.
    /// </summary>
    public sealed class AseOperation : IDisposable
    {
        readonly CancellationTokenSource _cts = new CancellationTokenSource();
        readonly ConcurrentQueue<AseProgressEvent> _queue = new ConcurrentQueue<AseProgressEvent>();
        readonly AutoResetEvent _changed = new AutoResetEvent(false);

        public string Name { get; private set; }
        public string Target { get; private set; }
        public DateTime StartTime { get; private set; }
        public Task<object> Task { get; private set; }

        sealed class QueueProgress : IProgress<AseProgressEvent>
        {
            readonly AseOperation _op;
            internal QueueProgress(AseOperation op) { _op = op; }
            public void Report(AseProgressEvent value) { _op._queue.Enqueue(value); _op._changed.Set(); }
        }

        /// <summary>Starts <paramref name="work"/> on a thread-pool thread.</summary>
        public AseOperation(string name, string target, Func<IProgress<AseProgressEvent>, CancellationToken, object> work)
        {
            if (work == null) throw new ArgumentNullException("work");
            Name = name;
            Target = target;
            StartTime = DateTime.UtcNow;
            IProgress<AseProgressEvent> progress = new QueueProgress(this);
            CancellationToken token = _cts.Token;
            Task = System.Threading.Tasks.Task.Run(() => work(progress, token));
            Task.ContinueWith(t => { try { _changed.Set(); } catch (ObjectDisposedException) { } },
                TaskContinuationOptions.ExecuteSynchronously);
        }

        public bool IsCompleted { get { return Task.IsCompleted; } }

        /// <summary>Waits up to <paramref name="milliseconds"/> for a progress event or completion; true once completed.</summary>
        public bool Wait(int milliseconds)
        {
            if (Task.IsCompleted) return true;
            if (_queue.IsEmpty) _changed.WaitOne(milliseconds);
            return Task.IsCompleted;
        }

        public bool TryDequeueProgress(out AseProgressEvent progress) { return _queue.TryDequeue(out progress); }

        /// <summary>All queued events (for callers that cannot use out parameters).</summary>
        public AseProgressEvent[] DrainProgress()
        {
            List<AseProgressEvent> l = new List<AseProgressEvent>();
            AseProgressEvent e;
            while (_queue.TryDequeue(out e)) l.Add(e);
            return l.ToArray();
        }

        public void Cancel() { try { _cts.Cancel(); } catch (ObjectDisposedException) { } }

        public bool IsCancellationRequested { get { return _cts.IsCancellationRequested; } }

        /// <summary>Waits for the result; throws the original exception (AseGpuException...), not an AggregateException.</summary>
        public object GetResult() { return Task.GetAwaiter().GetResult(); }

        public void Dispose()
        {
            if (!Task.IsCompleted) Cancel();
        }
    }
}
