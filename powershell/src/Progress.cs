// Progress: the event type, and the sink that takes one call's events from the native callback to its handlers.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AseGpu
{
    /// <summary>One progress event: {operation, stage, message, percent?, bytesDone?, bytesTotal?, elapsedSeconds}.</summary>
    public sealed class AseProgressEvent
    {
        public string Operation { get; private set; }
        public string Stage { get; private set; }
        public string Message { get; private set; }
        public double? Percent { get; private set; }
        public long? BytesDone { get; private set; }
        public long? BytesTotal { get; private set; }
        public double ElapsedSeconds { get; private set; }
        public string Json { get; private set; }

        public static AseProgressEvent Parse(string json)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            AseProgressEvent e = new AseProgressEvent { Json = json };
            if (d == null) return e;
            e.Operation = AseJson.Str(d, "operation");
            e.Stage = AseJson.Str(d, "stage");
            e.Message = AseJson.Str(d, "message");
            e.Percent = AseJson.Num(d, "percent");
            double? v = AseJson.Num(d, "bytesDone");
            if (v.HasValue) e.BytesDone = (long)v.Value;
            v = AseJson.Num(d, "bytesTotal");
            if (v.HasValue) e.BytesTotal = (long)v.Value;
            e.ElapsedSeconds = AseJson.Num(d, "elapsedSeconds") ?? 0;
            return e;
        }

        public override string ToString() { return (Operation ?? "") + "/" + (Stage ?? "") + ": " + (Message ?? ""); }
    }

    /// <summary>Where one call's progress events go. Referenced from native code through a GCHandle.</summary>
    internal sealed class ProgressSink
    {
        readonly IProgress<AseProgressEvent> _typed;
        readonly Action<string> _raw;

        internal ProgressSink(IProgress<AseProgressEvent> typed, Action<string> raw) { _typed = typed; _raw = raw; }

        internal static ProgressSink For(IProgress<AseProgressEvent> typed, Action<string> raw)
        {
            return typed == null && raw == null ? null : new ProgressSink(typed, raw);
        }

        // Never throws: runs inside a native callback.
        internal void Deliver(IntPtr eventJson)
        {
            string json;
            try { json = Utf8.FromPtr(eventJson); }
            catch (Exception e) { AseNative.RecordProgressHandlerError(e); return; }
            if (_raw != null)
            {
                try { _raw(json); }
                catch (Exception e) { AseNative.RecordProgressHandlerError(e); }
            }
            if (_typed != null)
            {
                try { _typed.Report(AseProgressEvent.Parse(json)); }
                catch (Exception e) { AseNative.RecordProgressHandlerError(e); }
            }
        }

        // The one callback handed to native code. Static and referenced by a static field, so the
        // delegate (and its native thunk) is never collected.
        internal static readonly NativeMethods.AsegpuProgressCallback Trampoline = OnProgress;

        static void OnProgress(IntPtr userdata, IntPtr eventJson)
        {
            try
            {
                if (userdata == IntPtr.Zero) return;
                ProgressSink sink = GCHandle.FromIntPtr(userdata).Target as ProgressSink;
                if (sink != null) sink.Deliver(eventJson);
            }
            catch (Exception e)
            {
                // An exception must never unwind into native code (it would kill the process).
                try { AseNative.RecordProgressHandlerError(e); } catch { }
            }
        }
    }
}
