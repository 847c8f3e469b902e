// AseSession: one connection to a device's local ARM; Invoke, the one helper every call goes through; connect, info.
// A new C function: one DllImport in Native.cs, its types under Models/, and a few lines calling Invoke in its area's
// AseSession.<Area>.cs: the sync, Task-returning and AseOperation-returning (PowerShell's) variants.
using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    /// <summary>Everything one native call needs; the lambda passed to Invoke fills the outputs.</summary>
    public sealed class AseCallContext
    {
        public IntPtr Session;
        public IntPtr Cancel;
        public NativeMethods.AsegpuProgressCallback Callback;
        public IntPtr UserData;
        public AseStringHandle Json;
        public AseErrorHandle Error;
        public AseSessionHandle NewSession;
    }

    /// <summary>
    /// A connection to one device's local ARM. Thread-safe: any number of threads may use one session
    /// at once; Dispose() disconnects once the calls in flight have returned.
    /// </summary>
    public sealed partial class AseSession : IDisposable
    {
        readonly AseSessionHandle _handle;

        AseSession(AseSessionHandle handle) { _handle = handle; }

        public bool IsDisposed { get { return _handle.IsClosed; } }

        public void Dispose() { _handle.Dispose(); }


        // ---- the one generic helper -----------------------------------------------------------

        /// <summary>
        /// Runs one native call: keeps the session alive (ref count) during it, makes a native cancel
        /// token tied to <paramref name="ct"/>, passes the progress trampoline with a per-call GCHandle,
        /// converts a failure into <see cref="AseGpuException"/> and returns the output JSON (if any).
        /// </summary>
        internal static string Invoke(AseSessionHandle session, string operation, string target, CancellationToken ct,
            ProgressSink sink, Func<AseCallContext, uint> call, out AseSessionHandle newSession)
        {
            NativeLibraryLoader.EnsureLoaded();
            newSession = null;
            AseCallContext ctx = new AseCallContext();
            bool sessionRef = false;
            AseCancelTokenHandle token = null;
            bool tokenRef = false;
            CancellationTokenRegistration registration = default(CancellationTokenRegistration);
            GCHandle userdata = default(GCHandle);
            try
            {
                if (session != null)
                {
                    if (session.IsClosed) throw new ObjectDisposedException("AseSession", "the session is disconnected");
                    session.DangerousAddRef(ref sessionRef);
                    ctx.Session = session.DangerousGetHandle();
                }
                if (ct.CanBeCanceled)
                {
                    token = AseCancelTokenHandle.Create();
                    token.DangerousAddRef(ref tokenRef);
                    ctx.Cancel = token.DangerousGetHandle();
                    registration = ct.Register(state => ((AseCancelTokenHandle)state).Cancel(), token);
                }
                if (sink != null)
                {
                    userdata = GCHandle.Alloc(sink);
                    ctx.UserData = GCHandle.ToIntPtr(userdata);
                    ctx.Callback = ProgressSink.Trampoline;
                }
                uint status = call(ctx);
                if (status != 0)
                    throw AseGpuException.FromNative(status, ctx.Error, operation, target);
                newSession = ctx.NewSession;
                ctx.NewSession = null;
                return ctx.Json == null ? null : ctx.Json.Read();
            }
            finally
            {
                if (ctx.Json != null) ctx.Json.Dispose();
                if (ctx.Error != null) ctx.Error.Dispose();
                if (ctx.NewSession != null) ctx.NewSession.Dispose();
                registration.Dispose();   // waits for a running cancel callback before the token goes
                if (tokenRef) token.DangerousRelease();
                if (token != null) token.Dispose();
                if (userdata.IsAllocated) userdata.Free();
                if (sessionRef) session.DangerousRelease();
            }
        }

        string Invoke(string operation, string target, CancellationToken ct, ProgressSink sink, Func<AseCallContext, uint> call)
        {
            AseSessionHandle unused;
            return Invoke(_handle, operation, target, ct, sink, call, out unused);
        }

        static Task<T> Run<T>(Func<T> f) { return System.Threading.Tasks.Task.Run(f); }

        // ---- connect ----------------------------------------------------------------------------

        /// <summary>Connects (metadata, AD FS sign-in, subscription). The password bytes are zeroed after the call.</summary>
        public static AseSession Connect(string optionsJson, SecureString password, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return ConnectBytes(optionsJson, Utf8.FromSecureString(password), progress, ct);
        }

        public static AseSession Connect(string optionsJson, string password, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return ConnectBytes(optionsJson, Utf8.ToNullTerminated(password), progress, ct);
        }

        public static AseSession Connect(AseConnectOptions options, SecureString password)
        {
            if (options == null) throw new ArgumentNullException("options");
            return Connect(options.ToJson(), password, null, CancellationToken.None);
        }

        public static AseSession Connect(AseConnectOptions options, string password)
        {
            if (options == null) throw new ArgumentNullException("options");
            return Connect(options.ToJson(), password, null, CancellationToken.None);
        }

        public static Task<AseSession> ConnectAsync(string optionsJson, SecureString password, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            SecureString copy = password == null ? null : password.Copy();
            return Run(() => { using (copy) return Connect(optionsJson, copy, progress, ct); });
        }

        /// <summary>Connect as an <see cref="AseOperation"/> (for PowerShell: progress queue + Cancel); the result is an AseSession.</summary>
        public static AseOperation StartConnect(string optionsJson, SecureString password)
        {
            SecureString copy = password == null ? null : password.Copy();
            return new AseOperation("connect", null, (p, ct) => { using (copy) return Connect(optionsJson, copy, p, ct); });
        }

        static AseSession ConnectBytes(string optionsJson, byte[] password, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            GCHandle pin = password == null ? default(GCHandle) : GCHandle.Alloc(password, GCHandleType.Pinned);
            try
            {
                byte[] options = Utf8.ToNullTerminated(optionsJson);
                AseSessionHandle handle;
                Invoke(null, "connect", null, ct, ProgressSink.For(progress, null),
                    c => NativeMethods.asegpu_session_connect(options, password, c.Callback, c.UserData, c.Cancel, out c.NewSession, out c.Error),
                    out handle);
                return new AseSession(handle);
            }
            finally
            {
                if (password != null) Array.Clear(password, 0, password.Length);
                if (pin.IsAllocated) pin.Free();
            }
        }

        // ---- info -------------------------------------------------------------------------------

        public string InfoJson()
        {
            return Invoke("sessionInfo", null, CancellationToken.None, null,
                c => NativeMethods.asegpu_session_info(c.Session, out c.Json, out c.Error));
        }

        public AseSessionInfo Info() { return AseSessionInfo.FromJson(InfoJson()); }
    }
}
