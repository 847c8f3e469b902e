// The SafeHandles over the library's pointers: session, cancel token, error, owned string.
using System;
using System.Runtime.InteropServices;

namespace AseGpu
{
    /// <summary>An AsegpuSession*; freed with asegpu_session_free (that is "disconnect").</summary>
    public sealed class AseSessionHandle : SafeHandle
    {
        public AseSessionHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.asegpu_session_free(handle); return true; }
    }

    /// <summary>An AsegpuCancelToken*; freed with asegpu_cancel_token_free.</summary>
    public sealed class AseCancelTokenHandle : SafeHandle
    {
        public AseCancelTokenHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.asegpu_cancel_token_free(handle); return true; }

        /// <summary>A new, not yet cancelled token.</summary>
        public static AseCancelTokenHandle Create()
        {
            AseCancelTokenHandle t = NativeMethods.asegpu_cancel_token_new();
            if (t == null || t.IsInvalid) throw new OutOfMemoryException("asegpu_cancel_token_new returned NULL");
            return t;
        }

        /// <summary>Cancel (thread-safe; a no-op once the handle is closed).</summary>
        public void Cancel()
        {
            bool added = false;
            try
            {
                DangerousAddRef(ref added);
                NativeMethods.asegpu_cancel_token_cancel(handle);
            }
            catch (ObjectDisposedException) { }
            finally { if (added) DangerousRelease(); }
        }

        public bool IsCancelled
        {
            get
            {
                bool added = false;
                try
                {
                    DangerousAddRef(ref added);
                    return NativeMethods.asegpu_cancel_token_is_cancelled(handle) != 0;
                }
                catch (ObjectDisposedException) { return false; }
                finally { if (added) DangerousRelease(); }
            }
        }
    }

    /// <summary>An AsegpuError*; freed with asegpu_error_free.</summary>
    public sealed class AseErrorHandle : SafeHandle
    {
        public AseErrorHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.asegpu_error_free(handle); return true; }
    }

    /// <summary>A char* owned by asegpu; freed only with asegpu_string_free.</summary>
    public sealed class AseStringHandle : SafeHandle
    {
        public AseStringHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.asegpu_string_free(handle); return true; }

        /// <summary>The text (decoded as UTF-8), or null for NULL.</summary>
        public string Read()
        {
            if (IsInvalid || IsClosed) return null;
            bool added = false;
            try
            {
                DangerousAddRef(ref added);
                return Utf8.FromPtr(handle);
            }
            finally { if (added) DangerousRelease(); }
        }

        public override string ToString() { return Read(); }

        /// <summary>Read the text and free the string at once; null-safe.</summary>
        public static string Take(AseStringHandle h)
        {
            if (h == null) return null;
            try { return h.Read(); }
            finally { h.Dispose(); }
        }
    }
}
