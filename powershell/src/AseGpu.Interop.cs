// AseGpu.Interop: the C# binding of the asegpu C ABI (include/asegpu.h).
//
// One compiled assembly runs on .NET Framework 4.x (Windows PowerShell 5.1), Mono and .NET 8
// (PowerShell 7). Hence:
//   * C# 7.2 syntax at most (Mono's mcs), no tuples, no Span, no pattern matching on value types;
//   * no Marshal.PtrToStringUTF8 / LPUTF8Str: UTF-8 is encoded to byte[] + NUL on the way in and
//     decoded with strlen + Marshal.Copy on the way out;
//   * NativeLibrary (.NET Core 3+) is only reached through reflection; .NET Framework / Mono preload
//     the library themselves (LoadLibraryW / dlopen + mono_dllmap_insert).
//
// Layers:
//   NativeMethods        raw [DllImport]s, one per C function, named exactly like the C symbols.
//   Ase*Handle           SafeHandles: session, cancel token, error, owned string.
//   AseSession           the friendly API (sync, Task-returning and AseOperation-returning variants).
//   AseSession.Invoke    the ONE private helper every call goes through (session ref-count, cancel
//                        token, progress trampoline, error conversion, output string). New C functions
//                        need one DllImport plus a few lines that call Invoke.
//   AseOperation         a running call with a progress queue that PowerShell drains on its pipeline
//                        thread (Write-Progress is thread-affine) and a Cancel() for Ctrl+C.
using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

// Assembly title, description and version come from AseGpu.Interop.csproj (the version from Cargo.toml).

namespace AseGpu
{
    /// <summary>Mirror of the header's AsegpuStatus (uint32_t). Values are stable; never renumber.</summary>
    public enum AseStatus : uint
    {
        Ok = 0,
        NullArgument = 1,
        InvalidUtf8 = 2,
        InvalidJson = 3,
        InvalidArgument = 4,
        Connection = 10,
        Tls = 11,
        Timeout = 12,
        Authentication = 20,
        Authorization = 21,
        NotFound = 30,
        Conflict = 31,
        Throttled = 32,
        ArmRequest = 33,
        Server = 34,
        OperationFailed = 35,
        Protocol = 36,
        PreflightFailed = 40,
        Cancelled = 50,
        Io = 60,
        Panic = 90,
        Internal = 91,
    }

    // ------------------------------------------------------------------------------------------
    // UTF-8 helpers
    // ------------------------------------------------------------------------------------------

    /// <summary>Portable UTF-8 marshalling (works on .NET Framework, Mono and .NET).</summary>
    public static class Utf8
    {
        static readonly UTF8Encoding Strict = new UTF8Encoding(false, false);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="s"/>, or null for null.</summary>
        public static byte[] ToNullTerminated(string s)
        {
            if (s == null) return null;
            int n = Strict.GetByteCount(s);
            byte[] b = new byte[n + 1];
            Strict.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        /// <summary>Decode a NUL-terminated UTF-8 string (manual strlen + Marshal.Copy); null for NULL.</summary>
        public static string FromPtr(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0) len++;
            if (len == 0) return string.Empty;
            byte[] b = new byte[len];
            Marshal.Copy(p, b, 0, len);
            return Strict.GetString(b);
        }

        internal static byte[] FromSecureString(SecureString s)
        {
            if (s == null) return null;
            IntPtr p = IntPtr.Zero;
            char[] chars = new char[s.Length];
            try
            {
                p = Marshal.SecureStringToGlobalAllocUnicode(s);
                Marshal.Copy(p, chars, 0, chars.Length);
                int n = Strict.GetByteCount(chars, 0, chars.Length);
                byte[] b = new byte[n + 1];
                Strict.GetBytes(chars, 0, chars.Length, b, 0);
                return b;
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                if (p != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // SafeHandles
    // ------------------------------------------------------------------------------------------

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

    // ------------------------------------------------------------------------------------------
    // Raw P/Invoke layer
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// The raw C ABI, one method per C function, same names. Prefer <see cref="AseSession"/>. On Mono,
    /// call <see cref="AseNative.EnsureLoaded"/> before the first direct use (Mono binds a P/Invoke when
    /// it compiles the calling method, before this class's static constructor could map the library). Handle
    /// arguments that may be NULL are IntPtr (the callers keep the SafeHandle alive with
    /// DangerousAddRef); outputs are SafeHandles so nothing leaks.
    /// </summary>
    public static partial class NativeMethods
    {
        public const string LibraryName = "asegpu";

        /// <summary>AsegpuProgressCallback: userdata first, then the event JSON (valid during the call).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void AsegpuProgressCallback(IntPtr userdata, IntPtr eventJson);

        static NativeMethods()
        {
            // Resolver / preload / ABI check before the first P/Invoke of this class is bound.
            NativeLibraryLoader.EnsureLoaded();
        }

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void asegpu_string_free(IntPtr s);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_abi_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_status_name(uint status);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_debug_panic(uint mode, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern AseCancelTokenHandle asegpu_cancel_token_new();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void asegpu_cancel_token_cancel(IntPtr token);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern byte asegpu_cancel_token_is_cancelled(IntPtr token);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void asegpu_cancel_token_free(IntPtr token);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_error_status(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_error_message(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_error_arm_code(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_error_request_id(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr asegpu_error_correlation_id(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern ushort asegpu_error_http_status(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern AseStringHandle asegpu_error_to_json(AseErrorHandle err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void asegpu_error_free(IntPtr err);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern AseStringHandle asegpu_last_error_message();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_last_error_status();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_shutdown();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_session_connect(byte[] optionsJson, byte[] password,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseSessionHandle outSession, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void asegpu_session_free(IntPtr session);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_session_info(IntPtr session, out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_resource_group_list(IntPtr session, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_resource_group_get(IntPtr session, byte[] name, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_resource_group_create(IntPtr session, byte[] requestJson, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_resource_group_delete(IntPtr session, byte[] name,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel, out AseErrorHandle outError);

        // ---- operations (crates/asegpu-ffi/src/ops.rs) ---------------------------------------------------------

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_gpu_availability(IntPtr session, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_gpu_preflight(IntPtr session, byte[] requestJson, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_deployment_create(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_create(IntPtr session, byte[] requestJson, byte[] adminPassword,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_get(IntPtr session, byte[] resourceGroup, byte[] name, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_list(IntPtr session, byte[] resourceGroup, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_power(IntPtr session, byte[] resourceGroup, byte[] name, byte[] action,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_delete(IntPtr session, byte[] resourceGroup, byte[] name,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_gpu_extension_install(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_extension_get(IntPtr session, byte[] resourceGroup, byte[] vmName, byte[] name,
            IntPtr cancel, out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vm_extension_remove(IntPtr session, byte[] resourceGroup, byte[] vmName, byte[] name,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_update_suspend(IntPtr session,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_update_resume(IntPtr session, byte[] recordJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        // ---- images (crates/asegpu-ffi/src/image.rs) -----------------------------------------------------------

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vhd_check(byte[] path, out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_storage_account_create(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_vhd_upload(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_image_create(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);
    }

    // ------------------------------------------------------------------------------------------
    // Native library loading
    // ------------------------------------------------------------------------------------------

    /// <summary>The native library could not be found or loaded, or its ABI version does not match.</summary>
    public class AseGpuLoadException : DllNotFoundException
    {
        public string LibraryPath { get; private set; }
        public string RuntimeIdentifier { get; private set; }
        public string ProcessArchitecture { get; private set; }

        public AseGpuLoadException(string message, string path, string rid, string arch, Exception inner)
            : base(message, inner)
        {
            LibraryPath = path;
            RuntimeIdentifier = rid;
            ProcessArchitecture = arch;
        }
    }

    /// <summary>
    /// Finds <c>&lt;assembly dir&gt;/runtimes/&lt;rid&gt;/native/&lt;file&gt;</c> (or ASEGPU_NATIVE_LIBRARY) and
    /// makes [DllImport("asegpu")] bind to it: SetDllImportResolver on .NET Core/.NET (reflection),
    /// LoadLibraryW on .NET Framework, dlopen + mono_dllmap_insert on Mono. Then checks the ABI version
    /// and registers ProcessExit → asegpu_shutdown.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        static readonly object Gate = new object();
        static bool _loaded;
        static Exception _failure;
        static IntPtr _handle;
        static bool _resolverSet;
        internal static string LibraryPath;
        internal static string Rid;
        internal static string Arch;

        internal static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (_loaded) return;
                if (_failure != null) throw _failure;
                try
                {
                    Load();
                    _loaded = true;
                }
                catch (Exception e)
                {
                    _failure = e is AseGpuLoadException ? e
                        : new AseGpuLoadException("asegpu: could not load the native library '" + LibraryPath + "' (rid " + Rid
                            + ", process architecture " + Arch + "): " + e.Message, LibraryPath, Rid, Arch, e);
                    throw _failure;
                }
            }
        }

        internal static bool IsMono { get { return Type.GetType("Mono.Runtime") != null; } }

        internal static string FrameworkDescription
        {
            get
            {
                object v = RuntimeInfo("FrameworkDescription");
                return v != null ? v.ToString() : (".NET Framework " + Environment.Version);
            }
        }

        static object RuntimeInfo(string property)
        {
            try
            {
                Type t = Type.GetType("System.Runtime.InteropServices.RuntimeInformation");
                if (t == null) return null;
                PropertyInfo p = t.GetProperty(property, BindingFlags.Public | BindingFlags.Static);
                return p == null ? null : p.GetValue(null, null);
            }
            catch { return null; }
        }

        static bool IsOs(string name)
        {
            try
            {
                Type rt = Type.GetType("System.Runtime.InteropServices.RuntimeInformation");
                Type ost = Type.GetType("System.Runtime.InteropServices.OSPlatform");
                if (rt != null && ost != null)
                {
                    object os = ost.GetProperty(name, BindingFlags.Public | BindingFlags.Static).GetValue(null, null);
                    MethodInfo m = rt.GetMethod("IsOSPlatform", BindingFlags.Public | BindingFlags.Static);
                    return (bool)m.Invoke(null, new object[] { os });
                }
            }
            catch { }
            PlatformID p = Environment.OSVersion.Platform;
            bool mac = p == PlatformID.MacOSX || (p == PlatformID.Unix && Directory.Exists("/System/Library/CoreServices"));
            if (name == "Windows") return p == PlatformID.Win32NT || p == PlatformID.Win32Windows;
            if (name == "OSX") return mac;
            return p == PlatformID.Unix && !mac;
        }

        internal static string ArchName()
        {
            object a = RuntimeInfo("ProcessArchitecture");
            string s = a != null ? a.ToString().ToLowerInvariant() : (IntPtr.Size == 8 ? "x64" : "x86");
            return s;
        }

        internal static void Describe(out string rid, out string file)
        {
            string arch = ArchName();
            if (IsOs("Windows")) { rid = "win-" + arch; file = "asegpu.dll"; }
            else if (IsOs("OSX")) { rid = "osx-" + arch; file = "libasegpu.dylib"; }
            else { rid = "linux-" + arch; file = "libasegpu.so"; }
        }

        static string AssemblyDirectory()
        {
            string loc = null;
            try { loc = typeof(NativeLibraryLoader).Assembly.Location; } catch { }
            if (!string.IsNullOrEmpty(loc)) return Path.GetDirectoryName(loc);
            return AppDomain.CurrentDomain.BaseDirectory;
        }

        static void Load()
        {
            string file;
            Describe(out Rid, out file);
            Arch = ArchName();
            string overridePath = Environment.GetEnvironmentVariable("ASEGPU_NATIVE_LIBRARY");
            LibraryPath = !string.IsNullOrEmpty(overridePath)
                ? Path.GetFullPath(overridePath)
                : Path.Combine(Path.Combine(Path.Combine(Path.Combine(AssemblyDirectory(), "runtimes"), Rid), "native"), file);
            if (!File.Exists(LibraryPath))
                throw new AseGpuLoadException("asegpu: native library not found at '" + LibraryPath + "' (runtime identifier "
                    + Rid + ", process architecture " + Arch + ", " + FrameworkDescription + "). Install the module with its "
                    + "runtimes/" + Rid + "/native/" + file + ", or set ASEGPU_NATIVE_LIBRARY to the library's full path.",
                    LibraryPath, Rid, Arch, null);

            Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary");
            if (nativeLibrary != null && !IsMono)
                LoadWithNativeLibrary(nativeLibrary);
            else if (IsOs("Windows"))
                LoadWithLoadLibrary();
            else
                LoadWithDlopen();

            uint abi;
            try { abi = CallAbiVersion(); }
            catch (Exception e)
            {
                throw new AseGpuLoadException("asegpu: '" + LibraryPath + "' was loaded but asegpu_abi_version could not be called ("
                    + e.GetType().Name + ": " + e.Message + "); is it really the asegpu library for " + Rid + "?", LibraryPath, Rid, Arch, e);
            }
            if (abi != AseNative.BindingAbiVersion)
                throw new AseGpuLoadException("asegpu: ABI version mismatch: the native library '" + LibraryPath + "' has ABI version "
                    + abi + " but this AseGpu.Interop.dll (" + typeof(NativeLibraryLoader).Assembly.GetName().Version
                    + ") was built for ABI version " + AseNative.BindingAbiVersion + ". Install matching versions of the module and its native library.",
                    LibraryPath, Rid, Arch, null);

            try
            {
                AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
            }
            catch { }
        }

        // Separate, never-inlined methods: Mono binds a P/Invoke when it compiles the calling method, so
        // a call written inside Load() would be bound (and fail) before the library is mapped.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static uint CallAbiVersion() { return LoaderNative.asegpu_abi_version(); }

        static void OnProcessExit(object sender, EventArgs e)
        {
            // Joins the native runtime's worker threads: without it Mono waits for them forever at exit.
            try { LoaderNative.asegpu_shutdown(); } catch { }
        }

        static Exception ArchitectureError(string how, string detail, Exception inner)
        {
            return new AseGpuLoadException("asegpu: could not load '" + LibraryPath + "' with " + how + " (runtime identifier " + Rid
                + ", process architecture " + Arch + ", " + (IntPtr.Size * 8) + "-bit process, " + FrameworkDescription + "): " + detail
                + ". A wrong-architecture library (e.g. an x64 build in an ARM64 or 32-bit PowerShell) fails like this.",
                LibraryPath, Rid, Arch, inner);
        }

        // .NET Core 3+/.NET 5+: NativeLibrary.Load + SetDllImportResolver, through reflection so this
        // assembly still loads on .NET Framework.
        static void LoadWithNativeLibrary(Type nativeLibrary)
        {
            MethodInfo load = nativeLibrary.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);
            try
            {
                _handle = (IntPtr)load.Invoke(null, new object[] { LibraryPath });
            }
            catch (TargetInvocationException tie)
            {
                Exception e = tie.InnerException ?? tie;
                throw ArchitectureError("NativeLibrary.Load", e.GetType().Name + ": " + e.Message, e);
            }
            if (_resolverSet) return;
            Type resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver");
            MethodInfo set = nativeLibrary.GetMethod("SetDllImportResolver", BindingFlags.Public | BindingFlags.Static);
            MethodInfo resolve = typeof(NativeLibraryLoader).GetMethod("Resolve", BindingFlags.NonPublic | BindingFlags.Static);
            Delegate d = Delegate.CreateDelegate(resolverType, resolve);
            try
            {
                set.Invoke(null, new object[] { typeof(NativeLibraryLoader).Assembly, d });
            }
            catch (TargetInvocationException tie)
            {
                // InvalidOperationException: a resolver is already set for this assembly (e.g. by a host).
                if (!(tie.InnerException is InvalidOperationException)) throw;
            }
            _resolverSet = true;
        }

        static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName == NativeMethods.LibraryName || libraryName == "asegpu") return _handle;
            return IntPtr.Zero;
        }

        // .NET Framework (and Mono) on Windows: once loaded by full path, LoadLibrary("asegpu") finds it.
        static void LoadWithLoadLibrary()
        {
            _handle = Kernel32.LoadLibraryW(LibraryPath);
            if (_handle == IntPtr.Zero)
            {
                int err = Marshal.GetLastWin32Error();
                string detail = "LoadLibraryW error " + err + (err == 193 ? " (ERROR_BAD_EXE_FORMAT: not a valid image for this architecture)" : "")
                    + (err == 126 ? " (ERROR_MOD_NOT_FOUND: the library or one of its dependencies is missing)" : "");
                throw ArchitectureError("LoadLibraryW", detail, null);
            }
            if (IsMono) MonoMap();
        }

        // Mono on Linux/macOS: dlopen the exact file (validates it, gives a precise dlerror), then tell
        // Mono's DllImport resolution to map "asegpu" to that path.
        static void LoadWithDlopen()
        {
            string error;
            _handle = Dl.Open(LibraryPath, out error);
            if (_handle == IntPtr.Zero) throw ArchitectureError("dlopen", error ?? "unknown dlopen error", null);
            if (IsMono) MonoMap();
        }

        static void MonoMap()
        {
            try
            {
                Mono.mono_dllmap_insert(IntPtr.Zero, NativeMethods.LibraryName, null, LibraryPath, null);
            }
            catch (Exception e)
            {
                throw new AseGpuLoadException("asegpu: could not map 'asegpu' to '" + LibraryPath + "' on Mono (mono_dllmap_insert: "
                    + e.Message + ")", LibraryPath, Rid, Arch, e);
            }
        }

        static class Kernel32
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
            internal static extern IntPtr LoadLibraryW(string path);
        }

        static class Mono
        {
            [DllImport("__Internal", CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi)]
            internal static extern void mono_dllmap_insert(IntPtr assembly, string dll, string func, string tdll, string tfunc);
        }

        static class Dl
        {
            const int RTLD_NOW = 2;
            const int RTLD_GLOBAL_LINUX = 0x100;
            const int RTLD_GLOBAL_MAC = 0x8;

            [DllImport("libdl.so.2", EntryPoint = "dlopen")] static extern IntPtr dlopen2(byte[] file, int flags);
            [DllImport("libdl.so.2", EntryPoint = "dlerror")] static extern IntPtr dlerror2();
            [DllImport("libc", EntryPoint = "dlopen")] static extern IntPtr dlopenc(byte[] file, int flags);
            [DllImport("libc", EntryPoint = "dlerror")] static extern IntPtr dlerrorc();
            [DllImport("libdl", EntryPoint = "dlopen")] static extern IntPtr dlopen1(byte[] file, int flags);
            [DllImport("libdl", EntryPoint = "dlerror")] static extern IntPtr dlerror1();

            internal static IntPtr Open(string path, out string error)
            {
                byte[] p = Utf8.ToNullTerminated(path);
                bool mac = IsOs("OSX");
                int flags = RTLD_NOW | (mac ? RTLD_GLOBAL_MAC : RTLD_GLOBAL_LINUX);
                error = null;
                for (int variant = 0; variant < 3; variant++)
                {
                    try
                    {
                        IntPtr h;
                        switch (variant)
                        {
                            case 0: h = dlopen2(p, flags); if (h == IntPtr.Zero) error = Utf8.FromPtr(dlerror2()); return h;
                            case 1: h = dlopenc(p, flags); if (h == IntPtr.Zero) error = Utf8.FromPtr(dlerrorc()); return h;
                            default: h = dlopen1(p, flags); if (h == IntPtr.Zero) error = Utf8.FromPtr(dlerror1()); return h;
                        }
                    }
                    catch (DllNotFoundException) { }
                    catch (EntryPointNotFoundException) { }
                }
                error = "no dlopen found (tried libdl.so.2, libc, libdl)";
                return IntPtr.Zero;
            }
        }
    }

    /// <summary>P/Invokes used by the loader itself (kept apart from NativeMethods, whose static
    /// constructor runs the loader).</summary>
    internal static class LoaderNative
    {
        [DllImport(NativeMethods.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint asegpu_abi_version();

        [DllImport(NativeMethods.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint asegpu_shutdown();
    }

    /// <summary>Library-wide facts and functions.</summary>
    public static class AseNative
    {
        /// <summary>The ASEGPU_ABI_VERSION this binding was written for.</summary>
        public const uint BindingAbiVersion = 1;

        static long _progressHandlerErrors;
        static Exception _lastProgressHandlerError;

        /// <summary>Loads the native library now (throws <see cref="AseGpuLoadException"/> with the path tried).</summary>
        public static void EnsureLoaded() { NativeLibraryLoader.EnsureLoaded(); }

        public static string LibraryPath { get { return NativeLibraryLoader.LibraryPath; } }
        public static string RuntimeIdentifier { get { string rid, file; NativeLibraryLoader.Describe(out rid, out file); return rid; } }
        public static string FrameworkDescription { get { return NativeLibraryLoader.FrameworkDescription; } }

        // Every public member loads the library first and only then runs a separate, never-inlined
        // method that P/Invokes: Mono binds a P/Invoke when it compiles the calling method.
        const System.Runtime.CompilerServices.MethodImplOptions NoInline = System.Runtime.CompilerServices.MethodImplOptions.NoInlining;

        /// <summary>The native library's version, e.g. "0.1.0".</summary>
        public static string Version { get { EnsureLoaded(); return VersionCore(); } }
        [System.Runtime.CompilerServices.MethodImpl(NoInline)]
        static string VersionCore() { return Utf8.FromPtr(NativeMethods.asegpu_version()); }

        /// <summary>The native library's ABI version.</summary>
        public static uint AbiVersion { get { EnsureLoaded(); return AbiVersionCore(); } }
        [System.Runtime.CompilerServices.MethodImpl(NoInline)]
        static uint AbiVersionCore() { return NativeMethods.asegpu_abi_version(); }

        /// <summary>The stable name of a status value ("NOT_FOUND"...; "UNKNOWN" for unknown values).</summary>
        public static string StatusName(uint status) { EnsureLoaded(); return StatusNameCore(status); }
        [System.Runtime.CompilerServices.MethodImpl(NoInline)]
        internal static string StatusNameCore(uint status) { return Utf8.FromPtr(NativeMethods.asegpu_status_name(status)); }

        /// <summary>Stops the native runtime's threads (also done at process exit).</summary>
        public static AseStatus Shutdown() { EnsureLoaded(); return ShutdownCore(); }
        [System.Runtime.CompilerServices.MethodImpl(NoInline)]
        static AseStatus ShutdownCore() { return (AseStatus)NativeMethods.asegpu_shutdown(); }

        /// <summary>Test hook: a panic inside the library must come back as <see cref="AseStatus.Panic"/>.</summary>
        public static void DebugPanic(uint mode) { EnsureLoaded(); DebugPanicCore(mode); }
        [System.Runtime.CompilerServices.MethodImpl(NoInline)]
        static void DebugPanicCore(uint mode)
        {
            AseErrorHandle err;
            uint st = NativeMethods.asegpu_debug_panic(mode, out err);
            using (err)
            {
                if (st != 0) throw AseGpuException.FromNative(st, err, "debugPanic", null);
            }
        }

        /// <summary>How many progress handlers threw (caught; never allowed into native code).</summary>
        public static long ProgressHandlerErrors { get { return Interlocked.Read(ref _progressHandlerErrors); } }
        public static Exception LastProgressHandlerError { get { return _lastProgressHandlerError; } }

        internal static void RecordProgressHandlerError(Exception e)
        {
            Interlocked.Increment(ref _progressHandlerErrors);
            _lastProgressHandlerError = e;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------

    /// <summary>A failed asegpu call: status, ARM code, HTTP status, request/correlation ids and the
    /// library's error JSON.</summary>
    [Serializable]
    public class AseGpuException : Exception
    {
        public AseStatus Status { get; private set; }
        public string StatusName { get; private set; }
        public string ArmCode { get; private set; }
        public int HttpStatus { get; private set; }
        public string RequestId { get; private set; }
        public string CorrelationId { get; private set; }
        /// <summary>The whole error as JSON (asegpu_error_to_json).</summary>
        public string ErrorJson { get; private set; }
        /// <summary>The ARM error details (JSON), when the device sent any.</summary>
        public string DetailsJson { get; private set; }
        /// <summary>What was being done ("resourceGroupDelete"...).</summary>
        public string Operation { get; private set; }
        /// <summary>What it was done to (a resource group name...).</summary>
        public string Target { get; private set; }

        public AseGpuException(AseStatus status, string statusName, string message, string armCode, int httpStatus,
            string requestId, string correlationId, string errorJson, string operation, string target)
            : base(message)
        {
            Status = status;
            StatusName = statusName;
            ArmCode = armCode;
            HttpStatus = httpStatus;
            RequestId = requestId;
            CorrelationId = correlationId;
            ErrorJson = errorJson;
            Operation = operation;
            Target = target;
            try
            {
                IDictionary<string, object> doc = errorJson == null ? null : AseJson.Parse(errorJson) as IDictionary<string, object>;
                object details;
                if (doc != null && doc.TryGetValue("details", out details) && details != null) DetailsJson = AseJson.Serialize(details);
            }
            catch { }
            Data["Status"] = statusName;
            if (armCode != null) Data["ArmCode"] = armCode;
            if (httpStatus != 0) Data["HttpStatus"] = httpStatus;
            if (requestId != null) Data["RequestId"] = requestId;
            if (correlationId != null) Data["CorrelationId"] = correlationId;
        }

        protected AseGpuException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        /// <summary>Builds the exception from a status and (possibly invalid) error handle.</summary>
        public static AseGpuException FromNative(uint status, AseErrorHandle err, string operation, string target)
        {
            if (err == null || err.IsInvalid)
            {
                string name = SafeStatusName(status);
                return new AseGpuException((AseStatus)status, name, "asegpu " + (operation ?? "call") + " failed with " + name,
                    null, 0, null, null, null, operation, target);
            }
            uint st = NativeMethods.asegpu_error_status(err);
            return new AseGpuException((AseStatus)st, SafeStatusName(st),
                Utf8.FromPtr(NativeMethods.asegpu_error_message(err)),
                Utf8.FromPtr(NativeMethods.asegpu_error_arm_code(err)),
                NativeMethods.asegpu_error_http_status(err),
                Utf8.FromPtr(NativeMethods.asegpu_error_request_id(err)),
                Utf8.FromPtr(NativeMethods.asegpu_error_correlation_id(err)),
                AseStringHandle.Take(NativeMethods.asegpu_error_to_json(err)),
                operation, target);
        }

        static string SafeStatusName(uint status)
        {
            try { return Utf8.FromPtr(NativeMethods.asegpu_status_name(status)); }
            catch { return "UNKNOWN"; }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Progress
    // ------------------------------------------------------------------------------------------

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

    // ------------------------------------------------------------------------------------------
    // Results and options
    // ------------------------------------------------------------------------------------------

    /// <summary>What a session is connected to (asegpu_session_info).</summary>
    public sealed class AseSessionInfo
    {
        public string Account { get; private set; }
        public string SubscriptionId { get; private set; }
        public string SubscriptionName { get; private set; }
        public string TenantId { get; private set; }
        public string Environment { get; private set; }
        public string ArmEndpoint { get; private set; }
        public string LoginEndpoint { get; private set; }
        public string TlsVerification { get; private set; }
        public long TokenExpiresOn { get; private set; }
        public long TokenRenewals { get; private set; }
        public string Json { get; private set; }

        public static AseSessionInfo FromJson(string json)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException("session info is not a JSON object");
            return new AseSessionInfo
            {
                Account = AseJson.Str(d, "account"),
                SubscriptionId = AseJson.Str(d, "subscriptionId"),
                SubscriptionName = AseJson.Str(d, "subscriptionName"),
                TenantId = AseJson.Str(d, "tenantId"),
                Environment = AseJson.Str(d, "environment"),
                ArmEndpoint = AseJson.Str(d, "armEndpoint"),
                LoginEndpoint = AseJson.Str(d, "loginEndpoint"),
                TlsVerification = AseJson.Str(d, "tlsVerification"),
                TokenExpiresOn = (long)(AseJson.Num(d, "tokenExpiresOn") ?? 0),
                TokenRenewals = (long)(AseJson.Num(d, "tokenRenewals") ?? 0),
                Json = json,
            };
        }
    }

    /// <summary>An ARM resource group, with Az's PSResourceGroup names as well (ResourceGroupName, ResourceId).</summary>
    public sealed class AseResourceGroup
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get { return Name; } }
        public string Location { get; private set; }
        public string ProvisioningState { get; private set; }
        public string Id { get; private set; }
        public string ResourceId { get { return Id; } }
        public Dictionary<string, string> Tags { get; private set; }
        public string Json { get; private set; }

        internal static AseResourceGroup From(IDictionary<string, object> d, string json)
        {
            AseResourceGroup g = new AseResourceGroup
            {
                Name = AseJson.Str(d, "name"),
                Location = AseJson.Str(d, "location"),
                Id = AseJson.Str(d, "id"),
                Tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                Json = json,
            };
            object props;
            IDictionary<string, object> p;
            if (d.TryGetValue("properties", out props) && (p = props as IDictionary<string, object>) != null)
                g.ProvisioningState = AseJson.Str(p, "provisioningState");
            object tags;
            IDictionary<string, object> t;
            if (d.TryGetValue("tags", out tags) && (t = tags as IDictionary<string, object>) != null)
                foreach (KeyValuePair<string, object> kv in t)
                    g.Tags[kv.Key] = kv.Value == null ? null : (kv.Value as string ?? AseJson.Serialize(kv.Value));
            return g;
        }

        public static AseResourceGroup FromJson(string json)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException("resource group is not a JSON object");
            return From(d, json);
        }

        public static AseResourceGroup[] ListFromJson(string json)
        {
            IList<object> l = AseJson.Parse(json) as IList<object>;
            if (l == null) throw new FormatException("resource group list is not a JSON array");
            List<AseResourceGroup> r = new List<AseResourceGroup>();
            foreach (object o in l)
            {
                IDictionary<string, object> d = o as IDictionary<string, object>;
                if (d != null) r.Add(From(d, AseJson.Serialize(d)));
            }
            return r.ToArray();
        }

        public override string ToString() { return Name; }
    }

    /// <summary>ConnectOptions (camelCase JSON for asegpu_session_connect). The password is never part of it.</summary>
    public sealed class AseConnectOptions
    {
        public string ArmEndpoint { get; set; }
        public string Username { get; set; }
        public string TenantId { get; set; }
        public string CaCertFile { get; set; }
        public string CaCertPem { get; set; }
        public bool CaOnly { get; set; }
        public string CertificateThumbprint { get; set; }
        public bool InsecureSkipTlsVerify { get; set; }
        public IDictionary HostMap { get; set; }
        public string DeviceIp { get; set; }
        public int? RequestTimeoutSeconds { get; set; }
        public int? MaxRetries { get; set; }
        public int? BaseDelayMs { get; set; }
        public int? MaxDelayMs { get; set; }
        /// <summary>Device facts ARM does not expose (from the device's local web UI): GPU count (1 or 2).</summary>
        public int? GpuCount { get; set; }
        /// <summary>T4 or A2.</summary>
        public string GpuModel { get; set; }
        /// <summary>Whether Kubernetes is configured (it claims every GPU free when it is configured).</summary>
        public bool? KubernetesConfigured { get; set; }
        /// <summary>GPUs Kubernetes holds, when known.</summary>
        public int? KubernetesGpus { get; set; }
        /// <summary>Device software release, e.g. 2309 (decides the GPU extension version).</summary>
        public string DeviceRelease { get; set; }
        /// <summary>Custom VM sizes set on the device, each NAME:VCPUS:MEMORY_GIB[:GPUS] (as Get-HcsVMCustomSizes shows them).</summary>
        public string[] CustomSizes { get; set; }
        /// <summary>Whether the GPU Multi-Process Service is on (Start-HcsGpuMPS).</summary>
        public bool? MpsEnabled { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["armEndpoint"] = ArmEndpoint;
            if (Username != null) d["username"] = Username;
            if (TenantId != null) d["tenantId"] = TenantId;
            Dictionary<string, object> tls = new Dictionary<string, object>();
            if (CaCertFile != null) tls["caCertFile"] = CaCertFile;
            if (CaCertPem != null) tls["caCertPem"] = CaCertPem;
            if (CaOnly) tls["caOnly"] = true;
            if (CertificateThumbprint != null) tls["certificateThumbprint"] = CertificateThumbprint;
            if (InsecureSkipTlsVerify) tls["insecureSkipTlsVerify"] = true;
            if (tls.Count > 0) d["tls"] = tls;
            if (HostMap != null && HostMap.Count > 0) d["hostMap"] = HostMap;
            if (DeviceIp != null) d["deviceIp"] = DeviceIp;
            if (RequestTimeoutSeconds.HasValue) d["requestTimeoutSeconds"] = RequestTimeoutSeconds.Value;
            Dictionary<string, object> retry = new Dictionary<string, object>();
            if (MaxRetries.HasValue) retry["maxRetries"] = MaxRetries.Value;
            if (BaseDelayMs.HasValue) retry["baseDelayMs"] = BaseDelayMs.Value;
            if (MaxDelayMs.HasValue) retry["maxDelayMs"] = MaxDelayMs.Value;
            if (retry.Count > 0) d["retry"] = retry;
            Dictionary<string, object> device = new Dictionary<string, object>();
            if (GpuCount.HasValue) device["gpuCount"] = GpuCount.Value;
            if (!string.IsNullOrEmpty(GpuModel)) device["gpuModel"] = GpuModel.ToUpperInvariant();
            if (KubernetesConfigured.HasValue) device["kubernetesConfigured"] = KubernetesConfigured.Value;
            if (KubernetesGpus.HasValue) device["kubernetesGpus"] = KubernetesGpus.Value;
            if (!string.IsNullOrEmpty(DeviceRelease)) device["release"] = DeviceRelease;
            if (CustomSizes != null && CustomSizes.Length > 0) device["customSizes"] = CustomSizes;
            if (MpsEnabled.HasValue) device["mpsEnabled"] = MpsEnabled.Value;
            if (device.Count > 0) d["device"] = device;
            return AseJson.Serialize(d);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Operation results (light typed views over the library's camelCase JSON; .Json keeps it all)
    // ------------------------------------------------------------------------------------------

    internal static class J
    {
        internal static IDictionary<string, object> Doc(string json, string what)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException(what + " is not a JSON object");
            return d;
        }

        internal static IList<object> List(string json, string what)
        {
            IList<object> l = AseJson.Parse(json) as IList<object>;
            if (l == null) throw new FormatException(what + " is not a JSON array");
            return l;
        }

        internal static IDictionary<string, object> Obj(IDictionary<string, object> d, string key)
        {
            object v;
            return d != null && d.TryGetValue(key, out v) ? v as IDictionary<string, object> : null;
        }

        internal static IList<object> Arr(IDictionary<string, object> d, string key)
        {
            object v;
            return d != null && d.TryGetValue(key, out v) && v is IList<object> ? (IList<object>)v : new List<object>();
        }

        internal static IEnumerable<IDictionary<string, object>> Objs(IDictionary<string, object> d, string key)
        {
            foreach (object o in Arr(d, key))
            {
                IDictionary<string, object> x = o as IDictionary<string, object>;
                if (x != null) yield return x;
            }
        }

        internal static bool? Bool(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || !(v is bool)) return null;
            return (bool)v;
        }

        internal static int? Int(IDictionary<string, object> d, string key)
        {
            double? n = AseJson.Num(d, key);
            return n.HasValue ? (int?)(int)n.Value : null;
        }

        internal static string[] Strs(IDictionary<string, object> d, string key)
        {
            List<string> r = new List<string>();
            foreach (object o in Arr(d, key)) if (o != null) r.Add(o as string ?? Convert.ToString(o, CultureInfo.InvariantCulture));
            return r.ToArray();
        }

        /// <summary>A JSON value as a string-keyed Hashtable tree (PowerShell-friendly), or null.</summary>
        internal static object Plain(object v)
        {
            IDictionary<string, object> d = v as IDictionary<string, object>;
            if (d != null)
            {
                Hashtable h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (KeyValuePair<string, object> kv in d) h[kv.Key] = Plain(kv.Value);
                return h;
            }
            IList<object> l = v as IList<object>;
            if (l != null)
            {
                object[] a = new object[l.Count];
                for (int i = 0; i < a.Length; i++) a[i] = Plain(l[i]);
                return a;
            }
            return v;
        }

        internal static Hashtable Table(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v)) return new Hashtable(StringComparer.OrdinalIgnoreCase);
            return Plain(v) as Hashtable ?? new Hashtable(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>A GPU VM in the availability report and whether it holds its GPUs now.</summary>
    public sealed class AseGpuVm
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string VmSize { get; private set; }
        public int Gpus { get; private set; }
        public string PowerState { get; private set; }
        public bool HoldsGpus { get; private set; }

        internal static AseGpuVm From(IDictionary<string, object> d)
        {
            return new AseGpuVm
            {
                Name = AseJson.Str(d, "name"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                VmSize = AseJson.Str(d, "vmSize"),
                Gpus = J.Int(d, "gpus") ?? 0,
                PowerState = AseJson.Str(d, "powerState"),
                HoldsGpus = J.Bool(d, "holdsGpus") ?? false,
            };
        }

        public override string ToString() { return Name; }
    }

    /// <summary>asegpu_gpu_availability: the device's GPUs, who holds them and how many are free. The
    /// *Source properties say where a fact came from (ARM, or the connection's device facts).</summary>
    public sealed class AseGpuReport
    {
        public string GpuModel { get; private set; }
        public string GpuModelSource { get; private set; }
        public int? GpuCount { get; private set; }
        public string GpuCountSource { get; private set; }
        public bool? KubernetesConfigured { get; private set; }
        public string KubernetesSource { get; private set; }
        public AseGpuVm[] GpuVms { get; private set; }
        public int GpusHeldByVms { get; private set; }
        public int? GpusClaimedByKubernetes { get; private set; }
        public int? FreeGpus { get; private set; }
        public string[] Notes { get; private set; }
        public string Json { get; private set; }

        internal static AseGpuReport From(IDictionary<string, object> d, string json)
        {
            return new AseGpuReport
            {
                GpuModel = AseJson.Str(d, "gpuModel"),
                GpuModelSource = AseJson.Str(d, "gpuModelSource"),
                GpuCount = J.Int(d, "gpuCount"),
                GpuCountSource = AseJson.Str(d, "gpuCountSource"),
                KubernetesConfigured = J.Bool(d, "kubernetesConfigured"),
                KubernetesSource = AseJson.Str(d, "kubernetesSource"),
                GpuVms = J.Objs(d, "gpuVms").Select(AseGpuVm.From).ToArray(),
                GpusHeldByVms = J.Int(d, "gpusHeldByVms") ?? 0,
                GpusClaimedByKubernetes = J.Int(d, "gpusClaimedByKubernetes"),
                FreeGpus = J.Int(d, "freeGpus"),
                Notes = J.Strs(d, "notes"),
                Json = json,
            };
        }

        public static AseGpuReport FromJson(string json) { return From(J.Doc(json, "GPU report"), json); }
    }

    /// <summary>One preflight finding: severity (error/warning/info), code, message and the fix.</summary>
    public sealed class AsePreflightFinding
    {
        public string Severity { get; private set; }
        public string Code { get; private set; }
        public string Message { get; private set; }
        public string Fix { get; private set; }

        internal static AsePreflightFinding From(IDictionary<string, object> d)
        {
            return new AsePreflightFinding
            {
                Severity = AseJson.Str(d, "severity"),
                Code = AseJson.Str(d, "code"),
                Message = AseJson.Str(d, "message"),
                Fix = AseJson.Str(d, "fix"),
            };
        }

        public override string ToString() { return Severity + " " + Code + ": " + Message; }
    }

    /// <summary>A VM a planned deployment would create.</summary>
    public sealed class AsePlannedVm
    {
        public string Name { get; private set; }
        public string VmSize { get; private set; }
        public string ResourceGroup { get; private set; }
        public string ImageId { get; private set; }

        internal static AsePlannedVm From(IDictionary<string, object> d)
        {
            return new AsePlannedVm
            {
                Name = AseJson.Str(d, "name"),
                VmSize = AseJson.Str(d, "vmSize"),
                ResourceGroup = AseJson.Str(d, "resourceGroup"),
                ImageId = AseJson.Str(d, "imageId"),
            };
        }

        public override string ToString() { return Name + " (" + VmSize + ")"; }
    }

    /// <summary>asegpu_gpu_preflight: will the deployment fit (Ok, Verdict), and the findings with causes and fixes.</summary>
    public sealed class AsePreflightReport
    {
        public bool Ok { get; private set; }
        public string Verdict { get; private set; }
        public int GpusNeeded { get; private set; }
        public AsePreflightFinding[] Findings { get; private set; }
        public AsePlannedVm[] Planned { get; private set; }
        public AseGpuReport Availability { get; private set; }
        public string Json { get; private set; }

        internal static AsePreflightReport From(IDictionary<string, object> d, string json)
        {
            IDictionary<string, object> a = J.Obj(d, "availability");
            return new AsePreflightReport
            {
                Ok = J.Bool(d, "ok") ?? false,
                Verdict = AseJson.Str(d, "verdict"),
                GpusNeeded = J.Int(d, "gpusNeeded") ?? 0,
                Findings = J.Objs(d, "findings").Select(AsePreflightFinding.From).ToArray(),
                Planned = J.Objs(d, "planned").Select(AsePlannedVm.From).ToArray(),
                Availability = a == null ? null : AseGpuReport.From(a, AseJson.Serialize(a)),
                Json = json,
            };
        }

        public static AsePreflightReport FromJson(string json) { return From(J.Doc(json, "preflight report"), json); }
    }

    /// <summary>An instance-view status (Az: Code, Level, DisplayStatus, Message, Time).</summary>
    public sealed class AseInstanceStatus
    {
        public string Code { get; private set; }
        public string Level { get; private set; }
        public string DisplayStatus { get; private set; }
        public string Message { get; private set; }
        public string Time { get; private set; }

        public AseInstanceStatus(string code, string level, string displayStatus, string message, string time)
        {
            Code = code; Level = level; DisplayStatus = displayStatus; Message = message; Time = time;
        }

        internal static AseInstanceStatus[] ListFrom(IDictionary<string, object> d, string key)
        {
            return J.Objs(d, key).Select(x => new AseInstanceStatus(AseJson.Str(x, "code"), AseJson.Str(x, "level"),
                AseJson.Str(x, "displayStatus"), AseJson.Str(x, "message"), AseJson.Str(x, "time"))).ToArray();
        }

        public override string ToString() { return Code; }
    }

    /// <summary>A VM (asegpu_vm_get/list/power, the VMs of a deployment), with Az's property names.</summary>
    public sealed class AseVmView
    {
        public string Name { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string Id { get; private set; }
        public string VmSize { get; private set; }
        public int Gpus { get; private set; }
        public string OsType { get; private set; }
        /// <summary>running, stopped (still provisioned: keeps its GPU), deallocated, starting...; null if unknown.</summary>
        public string PowerState { get; private set; }
        public string ProvisioningState { get; private set; }
        public string[] PrivateIpAddresses { get; private set; }
        public string ImageId { get; private set; }
        public string Json { get; private set; }

        /// <summary>Same as Name (so VMs bind to -VMName parameters by property name).</summary>
        public string VMName { get { return Name; } }

        /// <summary>The first private IP address (or null).</summary>
        public string PrivateIpAddress { get { return PrivateIpAddresses.Length > 0 ? PrivateIpAddresses[0] : null; } }

        /// <summary>Get-AzVM -Status style statuses: ProvisioningState/&lt;state&gt; and PowerState/&lt;state&gt;.</summary>
        public AseInstanceStatus[] Statuses
        {
            get
            {
                List<AseInstanceStatus> l = new List<AseInstanceStatus>();
                if (ProvisioningState != null)
                    l.Add(new AseInstanceStatus("ProvisioningState/" + ProvisioningState.ToLowerInvariant(), "Info",
                        "Provisioning " + ProvisioningState.ToLowerInvariant(), null, null));
                if (PowerState != null)
                    l.Add(new AseInstanceStatus("PowerState/" + PowerState, "Info", "VM " + PowerState, null, null));
                return l.ToArray();
            }
        }

        /// <summary>The Az display text of the power state ("VM running", "VM deallocated"...).</summary>
        public string PowerStateDisplay { get { return PowerState == null ? null : "VM " + PowerState; } }

        internal static AseVmView From(IDictionary<string, object> d, string json)
        {
            return new AseVmView
            {
                Name = AseJson.Str(d, "name"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                Id = AseJson.Str(d, "id"),
                VmSize = AseJson.Str(d, "vmSize"),
                Gpus = J.Int(d, "gpus") ?? 0,
                OsType = AseJson.Str(d, "osType"),
                PowerState = AseJson.Str(d, "powerState"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                PrivateIpAddresses = J.Strs(d, "privateIpAddresses"),
                ImageId = AseJson.Str(d, "imageId"),
                Json = json,
            };
        }

        public static AseVmView FromJson(string json) { return From(J.Doc(json, "VM"), json); }

        public static AseVmView[] ListFromJson(string json)
        {
            return J.List(json, "VM list").OfType<IDictionary<string, object>>().Select(d => From(d, AseJson.Serialize(d))).ToArray();
        }

        public override string ToString() { return Name; }
    }

    /// <summary>A VM extension as Get-AzVMExtension shows it (asegpu_vm_extension_get).</summary>
    public sealed class AseExtensionView
    {
        public string ResourceGroupName { get; private set; }
        public string VMName { get; private set; }
        public string Name { get; private set; }
        public string Publisher { get; private set; }
        public string ExtensionType { get; private set; }
        public string TypeHandlerVersion { get; private set; }
        public string ProvisioningState { get; private set; }
        public AseInstanceStatus[] Statuses { get; private set; }
        public AseInstanceStatus[] SubStatuses { get; private set; }
        /// <summary>The public settings (Hashtable; the JSON is in PublicSettingsJson).</summary>
        public Hashtable PublicSettings { get; private set; }
        public string PublicSettingsJson { get; private set; }
        public string Id { get; private set; }
        public string Json { get; private set; }

        internal static AseExtensionView From(IDictionary<string, object> d, string json)
        {
            object ps;
            d.TryGetValue("publicSettings", out ps);
            return new AseExtensionView
            {
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                VMName = AseJson.Str(d, "vmName"),
                Name = AseJson.Str(d, "name"),
                Publisher = AseJson.Str(d, "publisher"),
                ExtensionType = AseJson.Str(d, "extensionType"),
                TypeHandlerVersion = AseJson.Str(d, "typeHandlerVersion"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                Statuses = AseInstanceStatus.ListFrom(d, "statuses"),
                SubStatuses = AseInstanceStatus.ListFrom(d, "subStatuses"),
                PublicSettings = J.Table(d, "publicSettings"),
                PublicSettingsJson = ps == null ? "{}" : AseJson.Serialize(ps),
                Id = AseJson.Str(d, "id"),
                Json = json,
            };
        }

        public static AseExtensionView FromJson(string json) { return From(J.Doc(json, "extension"), json); }

        public static AseExtensionView[] ListFromJson(string json)
        {
            return J.List(json, "extension list").OfType<IDictionary<string, object>>().Select(d => From(d, AseJson.Serialize(d))).ToArray();
        }

        public override string ToString() { return Name; }
    }

    /// <summary>asegpu_gpu_extension_install: what was chosen (name, publisher, type, version, settings), warnings, the extension.</summary>
    public sealed class AseExtensionInstallResult
    {
        public string Name { get; private set; }
        public Hashtable Chosen { get; private set; }
        public string[] Warnings { get; private set; }
        public AseExtensionView Extension { get; private set; }
        public string Json { get; private set; }

        public static AseExtensionInstallResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "extension install result");
            IDictionary<string, object> e = J.Obj(d, "extension");
            return new AseExtensionInstallResult
            {
                Name = AseJson.Str(d, "name"),
                Chosen = J.Table(d, "chosen"),
                Warnings = J.Strs(d, "warnings"),
                Extension = e == null ? null : AseExtensionView.From(e, AseJson.Serialize(e)),
                Json = json,
            };
        }
    }

    /// <summary>A deployment parameter as PSResourceGroupDeployment lists it (Name, Type, Value).</summary>
    public sealed class AseDeploymentParameter
    {
        public string Name { get; private set; }
        public string Type { get; private set; }
        public object Value { get; private set; }

        public AseDeploymentParameter(string name, string type, object value) { Name = name; Type = type; Value = value; }

        public override string ToString() { return Name + " = " + Convert.ToString(Value, CultureInfo.InvariantCulture); }
    }

    /// <summary>
    /// The parameters of a deployment: enumerable (Name/Type/Value each) and indexed by name, case-insensitive,
    /// as Az's PSResourceGroupDeployment.Parameters is (<c>$d.Parameters['vmName'].Value</c>).
    /// </summary>
    public sealed class AseDeploymentParameters : IEnumerable<AseDeploymentParameter>
    {
        readonly List<AseDeploymentParameter> list = new List<AseDeploymentParameter>();
        readonly Dictionary<string, AseDeploymentParameter> byName = new Dictionary<string, AseDeploymentParameter>(StringComparer.OrdinalIgnoreCase);

        public AseDeploymentParameters() { }

        public AseDeploymentParameters(IEnumerable<AseDeploymentParameter> items)
        {
            foreach (AseDeploymentParameter p in items)
            {
                if (byName.ContainsKey(p.Name)) { list.Remove(byName[p.Name]); }
                byName[p.Name] = p;
                list.Add(p);
            }
        }

        /// <summary>The parameter of that name, or null (as a PowerShell hashtable answers a missing key).</summary>
        public AseDeploymentParameter this[string name]
        {
            get { AseDeploymentParameter p; return name != null && byName.TryGetValue(name, out p) ? p : null; }
        }

        public int Count { get { return list.Count; } }
        public IEnumerable<string> Keys { get { return list.Select(p => p.Name); } }
        public bool ContainsKey(string name) { return name != null && byName.ContainsKey(name); }
        public IEnumerator<AseDeploymentParameter> GetEnumerator() { return list.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }
        public override string ToString() { return string.Join(", ", Keys); }
    }

    /// <summary>asegpu_deployment_create, with Az's PSResourceGroupDeployment names plus the VMs and their IP addresses.</summary>
    public sealed class AseDeploymentResult
    {
        public string DeploymentName { get; private set; }
        public string ResourceGroupName { get; private set; }
        public string ProvisioningState { get; private set; }
        public DateTime? Timestamp { get; private set; }
        public string Mode { get; private set; }
        public string TemplateLink { get { return null; } }
        /// <summary>Name/Type/Value of the parameters sent (template file + parameter file + overrides; secure values hidden).</summary>
        public AseDeploymentParameters Parameters { get; internal set; }
        /// <summary>The template outputs (Hashtable name -> {type, value}).</summary>
        public Hashtable Outputs { get; private set; }
        public string OutputsJson { get; private set; }
        public string DeploymentDebugLogLevel { get { return null; } }
        public AseVmView[] Vms { get; private set; }
        /// <summary>Every private IP address of the deployed VMs.</summary>
        public string[] IpAddresses { get { return Vms.SelectMany(v => v.PrivateIpAddresses).ToArray(); } }
        public AsePreflightReport Preflight { get; private set; }
        public string Json { get; private set; }

        public static AseDeploymentResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "deployment result");
            IDictionary<string, object> p = J.Obj(d, "preflight");
            object outputs;
            d.TryGetValue("outputs", out outputs);
            DateTime ts;
            string tss = AseJson.Str(d, "timestamp");
            return new AseDeploymentResult
            {
                DeploymentName = AseJson.Str(d, "deploymentName"),
                ResourceGroupName = AseJson.Str(d, "resourceGroupName"),
                ProvisioningState = AseJson.Str(d, "provisioningState"),
                Timestamp = tss != null && DateTime.TryParse(tss, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out ts) ? (DateTime?)ts : null,
                Mode = AseJson.Str(d, "mode"),
                Outputs = J.Table(d, "outputs"),
                OutputsJson = outputs == null ? "{}" : AseJson.Serialize(outputs),
                Vms = J.Objs(d, "vms").Select(v => AseVmView.From(v, AseJson.Serialize(v))).ToArray(),
                Preflight = p == null ? null : AsePreflightReport.From(p, AseJson.Serialize(p)),
                Parameters = new AseDeploymentParameters(),
                Json = json,
            };
        }
    }

    /// <summary>A VM stopped by asegpu_update_suspend.</summary>
    public sealed class AseStoppedVm
    {
        public string ResourceGroupName { get; private set; }
        public string Name { get; private set; }
        public string VmSize { get; private set; }

        internal static AseStoppedVm From(IDictionary<string, object> d)
        {
            return new AseStoppedVm { ResourceGroupName = AseJson.Str(d, "resourceGroupName"), Name = AseJson.Str(d, "name"), VmSize = AseJson.Str(d, "vmSize") };
        }

        public override string ToString() { return ResourceGroupName + "/" + Name; }
    }

    /// <summary>The record asegpu_update_suspend returns; keep Json (a file) and pass it to ResumeAfterUpdate.</summary>
    public sealed class AseUpdateRecord
    {
        public string SubscriptionId { get; private set; }
        public AseStoppedVm[] Stopped { get; private set; }
        public string Json { get; private set; }

        public static AseUpdateRecord FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "update record");
            return new AseUpdateRecord { SubscriptionId = AseJson.Str(d, "subscriptionId"), Stopped = J.Objs(d, "stopped").Select(AseStoppedVm.From).ToArray(), Json = json };
        }
    }

    /// <summary>asegpu_vhd_check: a fixed-size Generation 1 VHD the device accepts.</summary>
    public sealed class AseVhdInfo
    {
        public string Path { get; private set; }
        public long FileSize { get; private set; }
        public long DiskSize { get; private set; }
        public long DiskSizeGb { get; private set; }
        public string CreatorApplication { get; private set; }
        public string UniqueId { get; private set; }
        public string Partitioning { get; private set; }
        public string HyperVGeneration { get; private set; }
        public string Json { get; private set; }

        internal static AseVhdInfo From(IDictionary<string, object> d, string json)
        {
            return new AseVhdInfo
            {
                Path = AseJson.Str(d, "path"),
                FileSize = (long)(AseJson.Num(d, "fileSize") ?? 0),
                DiskSize = (long)(AseJson.Num(d, "diskSize") ?? 0),
                DiskSizeGb = (long)(AseJson.Num(d, "diskSizeGb") ?? 0),
                CreatorApplication = AseJson.Str(d, "creatorApplication"),
                UniqueId = AseJson.Str(d, "uniqueId"),
                Partitioning = AseJson.Str(d, "partitioning"),
                HyperVGeneration = AseJson.Str(d, "hyperVGeneration"),
                Json = json,
            };
        }

        public static AseVhdInfo FromJson(string json) { return From(J.Doc(json, "VHD info"), json); }
    }

    /// <summary>asegpu_vhd_upload's summary.</summary>
    public sealed class AseUploadSummary
    {
        public string BlobUri { get; private set; }
        public long SizeBytes { get; private set; }
        public long SentBytes { get; private set; }
        public long Requests { get; private set; }
        public bool Resumed { get; private set; }
        public double Seconds { get; private set; }
        public double MiBPerSecond { get; private set; }
        public string Json { get; private set; }

        internal static AseUploadSummary From(IDictionary<string, object> d, string json)
        {
            return new AseUploadSummary
            {
                BlobUri = AseJson.Str(d, "blobUri"),
                SizeBytes = (long)(AseJson.Num(d, "sizeBytes") ?? 0),
                SentBytes = (long)(AseJson.Num(d, "sentBytes") ?? 0),
                Requests = (long)(AseJson.Num(d, "requests") ?? 0),
                Resumed = J.Bool(d, "resumed") ?? false,
                Seconds = AseJson.Num(d, "seconds") ?? 0,
                MiBPerSecond = AseJson.Num(d, "mibPerSecond") ?? 0,
                Json = json,
            };
        }

        public static AseUploadSummary FromJson(string json) { return From(J.Doc(json, "upload summary"), json); }
    }

    /// <summary>A storage account (asegpu_storage_account_create).</summary>
    public sealed class AseStorageAccount
    {
        public string Name { get; private set; }
        public string Id { get; private set; }
        public string BlobEndpoint { get; private set; }
        public string ProvisioningState { get; private set; }
        public string Json { get; private set; }

        public static AseStorageAccount FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "storage account");
            IDictionary<string, object> p = J.Obj(d, "properties");
            return new AseStorageAccount
            {
                Name = AseJson.Str(d, "name"),
                Id = AseJson.Str(d, "id"),
                BlobEndpoint = AseJson.Str(J.Obj(p, "primaryEndpoints"), "blob"),
                ProvisioningState = AseJson.Str(p, "provisioningState"),
                Json = json,
            };
        }
    }

    /// <summary>asegpu_image_create: the image made from a local VHD (check, storage account, upload, image).</summary>
    public sealed class AseImageResult
    {
        public string ImageId { get; private set; }
        public string ImageName { get { return ImageId == null ? null : ImageId.Substring(ImageId.LastIndexOf('/') + 1); } }
        public string BlobUri { get; private set; }
        public string BlobEndpoint { get; private set; }
        public string StorageAccountId { get; private set; }
        public string DiskId { get; private set; }
        public AseVhdInfo Vhd { get; private set; }
        public AseUploadSummary Upload { get; private set; }
        public double Seconds { get; private set; }
        public string Json { get; private set; }

        public static AseImageResult FromJson(string json)
        {
            IDictionary<string, object> d = J.Doc(json, "image result");
            IDictionary<string, object> v = J.Obj(d, "vhd");
            IDictionary<string, object> u = J.Obj(d, "upload");
            return new AseImageResult
            {
                ImageId = AseJson.Str(d, "imageId"),
                BlobUri = AseJson.Str(d, "blobUri"),
                BlobEndpoint = AseJson.Str(d, "blobEndpoint"),
                StorageAccountId = AseJson.Str(d, "storageAccountId"),
                DiskId = AseJson.Str(d, "diskId"),
                Vhd = v == null ? null : AseVhdInfo.From(v, AseJson.Serialize(v)),
                Upload = u == null ? null : AseUploadSummary.From(u, AseJson.Serialize(u)),
                Seconds = AseJson.Num(d, "seconds") ?? 0,
                Json = json,
            };
        }
    }

    // ------------------------------------------------------------------------------------------
    // Operation requests (camelCase JSON; unset properties are left out so the library's defaults apply)
    // ------------------------------------------------------------------------------------------

    internal static class Req
    {
        internal static void Put(Dictionary<string, object> d, string key, object value)
        {
            if (value == null) return;
            string s = value as string;
            if (s != null && s.Length == 0) return;
            d[key] = value;
        }

        internal static string FullPath(string p) { return string.IsNullOrEmpty(p) ? null : System.IO.Path.GetFullPath(p); }
    }

    /// <summary>A template deployment (asegpu_deployment_create) or its preflight (asegpu_gpu_preflight).</summary>
    public sealed class AseDeploymentRequest
    {
        public string ResourceGroupName { get; set; }
        /// <summary>Deployment name (default: the template file's name).</summary>
        public string Name { get; set; }
        public string TemplateFile { get; set; }
        /// <summary>The template itself (instead of TemplateFile).</summary>
        public IDictionary Template { get; set; }
        public string TemplateParameterFile { get; set; }
        /// <summary>Parameter values (plain values, or {value = ...}); they override the parameter file's.</summary>
        public IDictionary Parameters { get; set; }
        /// <summary>Deploy even when the preflight says it will fail.</summary>
        public bool Force { get; set; }

        static Dictionary<string, object> PlainParameters(IDictionary p)
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            if (p == null) return r;
            foreach (DictionaryEntry kv in p)
            {
                object v = kv.Value;
                // {value = x} (the parameter file's form) is accepted as well as x.
                IDictionary inner = v as IDictionary;
                if (inner != null && inner.Count == 1 && inner.Contains("value")) v = inner["value"];
                r[Convert.ToString(kv.Key, CultureInfo.InvariantCulture)] = v;
            }
            return r;
        }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            Req.Put(d, "name", Name);
            Req.Put(d, "templateFile", Req.FullPath(TemplateFile));
            Req.Put(d, "template", Template);
            Req.Put(d, "templateParameterFile", Req.FullPath(TemplateParameterFile));
            Dictionary<string, object> p = PlainParameters(Parameters);
            if (p.Count > 0) d["parameters"] = p;
            if (Force) d["force"] = true;
            return AseJson.Serialize(d);
        }

        /// <summary>The preflight request of this deployment (asegpu_gpu_preflight takes no name/force).</summary>
        public string ToPreflightJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            Req.Put(d, "resourceGroupName", ResourceGroupName);
            Req.Put(d, "templateFile", Req.FullPath(TemplateFile));
            Req.Put(d, "template", Template);
            Req.Put(d, "templateParameterFile", Req.FullPath(TemplateParameterFile));
            Dictionary<string, object> p = PlainParameters(Parameters);
            if (p.Count > 0) d["parameters"] = p;
            return AseJson.Serialize(d);
        }

        /// <summary>The preflight request for <paramref name="count"/> VMs of one size (no template).</summary>
        public static string SizePreflightJson(string vmSize, int count)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["vmSize"] = vmSize;
            d["count"] = count;
            return AseJson.Serialize(d);
        }

        /// <summary>Name/Type/Value of the parameters this request sends, as Az prints them: the template's
        /// defaults and types, the parameter file, then the overrides; secure values are hidden.</summary>
        public AseDeploymentParameter[] CollectParameters()
        {
            Dictionary<string, string> types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            Dictionary<string, object> values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            List<string> order = new List<string>();
            Action<string, object> set = (k, v) =>
            {
                string existing = order.FirstOrDefault(o => string.Equals(o, k, StringComparison.OrdinalIgnoreCase));
                if (existing == null) order.Add(k); else k = existing;
                values[k] = v;
            };
            try
            {
                IDictionary<string, object> template = null;
                if (Template != null) template = AseJson.Parse(AseJson.Serialize(Template)) as IDictionary<string, object>;
                else if (!string.IsNullOrEmpty(TemplateFile) && File.Exists(TemplateFile))
                    template = AseJson.Parse(File.ReadAllText(TemplateFile)) as IDictionary<string, object>;
                IDictionary<string, object> tp = J.Obj(template, "parameters");
                if (tp != null)
                    foreach (KeyValuePair<string, object> kv in tp)
                    {
                        IDictionary<string, object> def = kv.Value as IDictionary<string, object>;
                        types[kv.Key] = AseJson.Str(def, "type") ?? "String";
                        object dv;
                        if (def != null && def.TryGetValue("defaultValue", out dv) && !(dv is string && ((string)dv).StartsWith("[", StringComparison.Ordinal))) set(kv.Key, dv);
                    }
                if (!string.IsNullOrEmpty(TemplateParameterFile) && File.Exists(TemplateParameterFile))
                {
                    IDictionary<string, object> pf = J.Obj(AseJson.Parse(File.ReadAllText(TemplateParameterFile)) as IDictionary<string, object>, "parameters");
                    if (pf != null)
                        foreach (KeyValuePair<string, object> kv in pf)
                        {
                            object v;
                            IDictionary<string, object> pv = kv.Value as IDictionary<string, object>;
                            if (pv != null && pv.TryGetValue("value", out v)) set(kv.Key, v);
                        }
                }
            }
            catch (Exception) { /* a template the library will reject anyway: list what can be listed */ }
            foreach (KeyValuePair<string, object> kv in PlainParameters(Parameters)) set(kv.Key, kv.Value);
            List<AseDeploymentParameter> r = new List<AseDeploymentParameter>();
            foreach (string k in order)
            {
                string t;
                if (!types.TryGetValue(k, out t)) t = GuessType(values[k]);
                bool secure = t.StartsWith("secure", StringComparison.OrdinalIgnoreCase);
                r.Add(new AseDeploymentParameter(k, NiceType(t), secure ? null : J.Plain(values[k])));
            }
            return r.ToArray();
        }

        static string GuessType(object v)
        {
            if (v is bool) return "Bool";
            if (v is long || v is int || v is double) return "Int";
            if (v is IList<object> || v is object[]) return "Array";
            if (v is IDictionary<string, object> || v is IDictionary) return "Object";
            return "String";
        }

        static string NiceType(string t)
        {
            switch (t.ToLowerInvariant())
            {
                case "string": return "String";
                case "securestring": return "SecureString";
                case "int": return "Int";
                case "bool": return "Bool";
                case "array": return "Array";
                case "object": return "Object";
                case "secureobject": return "SecureObject";
                default: return t;
            }
        }
    }

    /// <summary>A GPU VM without a template (asegpu_vm_create); the admin password is passed separately.</summary>
    public sealed class AseVmRequest
    {
        public string ResourceGroupName { get; set; }
        public string Name { get; set; }
        /// <summary>Image name (in the resource group) or image resource id.</summary>
        public string Image { get; set; }
        public string VmSize { get; set; }
        public string VnetName { get; set; }
        public string VnetResourceGroup { get; set; }
        public string SubnetName { get; set; }
        public string PrivateIpAddress { get; set; }
        public string NicName { get; set; }
        public string AdminUsername { get; set; }
        public bool Force { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            d["name"] = Name;
            d["image"] = Image;
            Req.Put(d, "vmSize", VmSize);
            Req.Put(d, "vnetName", VnetName);
            Req.Put(d, "vnetResourceGroup", VnetResourceGroup);
            Req.Put(d, "subnetName", SubnetName);
            Req.Put(d, "privateIpAddress", PrivateIpAddress);
            Req.Put(d, "nicName", NicName);
            Req.Put(d, "adminUsername", AdminUsername);
            if (Force) d["force"] = true;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>The GPU extension (asegpu_gpu_extension_install): only the VM is required, the rest is chosen
    /// from the VM's OS and the device release.</summary>
    public sealed class AseGpuExtensionRequest
    {
        public string ResourceGroupName { get; set; }
        public string VmName { get; set; }
        public string Name { get; set; }
        public string Publisher { get; set; }
        public string ExtensionType { get; set; }
        public string TypeHandlerVersion { get; set; }
        public IDictionary Settings { get; set; }
        /// <summary>Device software release (e.g. 2309); otherwise the connection's device facts.</summary>
        public string Release { get; set; }
        /// <summary>Linux or Windows; otherwise read from the VM.</summary>
        public string OsType { get; set; }
        /// <summary>RHEL 7: the troubleshooting doc's custom install settings (CUDA 11.4, a driver below 510).</summary>
        public bool RhelCustomInstall { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroupName"] = ResourceGroupName;
            d["vmName"] = VmName;
            if (RhelCustomInstall) d["rhelCustomInstall"] = true;
            Req.Put(d, "name", Name);
            Req.Put(d, "publisher", Publisher);
            Req.Put(d, "type", ExtensionType);
            Req.Put(d, "typeHandlerVersion", TypeHandlerVersion);
            Req.Put(d, "settings", Settings);
            Req.Put(d, "release", Release);
            Req.Put(d, "osType", OsType);
            return AseJson.Serialize(d);
        }
    }

    /// <summary>Bring an image from a local VHD (asegpu_image_create).</summary>
    public sealed class AseImageRequest
    {
        public string ResourceGroup { get; set; }
        public string StorageAccount { get; set; }
        public string StorageSku { get; set; }
        public string Container { get; set; }
        public string BlobName { get; set; }
        public string VhdPath { get; set; }
        public string ImageName { get; set; }
        /// <summary>Linux or Windows.</summary>
        public string OsType { get; set; }
        /// <summary>blob (default) or managedDisk.</summary>
        public string Source { get; set; }
        public string DiskName { get; set; }
        /// <summary>Upload options {concurrency, chunkSizeBytes, resume, verifyExisting, verifySamples, overwrite}.</summary>
        public IDictionary Upload { get; set; }
        public IDictionary Tags { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = ResourceGroup;
            d["storageAccount"] = StorageAccount;
            Req.Put(d, "storageSku", StorageSku);
            Req.Put(d, "container", Container);
            Req.Put(d, "blobName", BlobName);
            d["vhdPath"] = Req.FullPath(VhdPath);
            d["imageName"] = ImageName;
            d["osType"] = OsType;
            Req.Put(d, "source", Source);
            Req.Put(d, "diskName", DiskName);
            if (Upload != null && Upload.Count > 0) d["upload"] = Upload;
            if (Tags != null && Tags.Count > 0) d["tags"] = Tags;
            return AseJson.Serialize(d);
        }
    }

    /// <summary>Upload a fixed VHD to an existing storage account (asegpu_vhd_upload).</summary>
    public sealed class AseVhdUploadRequest
    {
        public string ResourceGroup { get; set; }
        public string StorageAccount { get; set; }
        public string Container { get; set; }
        public string BlobName { get; set; }
        public string VhdPath { get; set; }
        public IDictionary Options { get; set; }

        public string ToJson()
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = ResourceGroup;
            d["storageAccount"] = StorageAccount;
            Req.Put(d, "container", Container);
            Req.Put(d, "blobName", BlobName);
            d["vhdPath"] = Req.FullPath(VhdPath);
            if (Options != null && Options.Count > 0) d["options"] = Options;
            return AseJson.Serialize(d);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Session
    // ------------------------------------------------------------------------------------------

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

        // ---- resource groups --------------------------------------------------------------------

        public string ListResourceGroupsJson(CancellationToken ct)
        {
            return Invoke("resourceGroupList", null, ct, null,
                c => NativeMethods.asegpu_resource_group_list(c.Session, c.Cancel, out c.Json, out c.Error));
        }

        public AseResourceGroup[] ListResourceGroups() { return ListResourceGroups(CancellationToken.None); }
        public AseResourceGroup[] ListResourceGroups(CancellationToken ct) { return AseResourceGroup.ListFromJson(ListResourceGroupsJson(ct)); }
        public Task<AseResourceGroup[]> ListResourceGroupsAsync(CancellationToken ct) { return Run(() => ListResourceGroups(ct)); }
        public AseOperation StartListResourceGroups()
        {
            return new AseOperation("resourceGroupList", null, (p, ct) => ListResourceGroups(ct));
        }

        public string GetResourceGroupJson(string name, CancellationToken ct)
        {
            byte[] n = Utf8.ToNullTerminated(name);
            return Invoke("resourceGroupGet", name, ct, null,
                c => NativeMethods.asegpu_resource_group_get(c.Session, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseResourceGroup GetResourceGroup(string name) { return GetResourceGroup(name, CancellationToken.None); }
        public AseResourceGroup GetResourceGroup(string name, CancellationToken ct) { return AseResourceGroup.FromJson(GetResourceGroupJson(name, ct)); }
        public Task<AseResourceGroup> GetResourceGroupAsync(string name, CancellationToken ct) { return Run(() => GetResourceGroup(name, ct)); }
        public AseOperation StartGetResourceGroup(string name)
        {
            return new AseOperation("resourceGroupGet", name, (p, ct) => GetResourceGroup(name, ct));
        }

        /// <summary>Create or update from a request document {"name", "location"?, "tags"?}.</summary>
        public string NewResourceGroupJson(string requestJson, string target, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("resourceGroupCreate", target, ct, null,
                c => NativeMethods.asegpu_resource_group_create(c.Session, r, c.Cancel, out c.Json, out c.Error));
        }

        public static string ResourceGroupRequest(string name, string location, IDictionary tags)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["name"] = name;
            if (!string.IsNullOrEmpty(location)) d["location"] = location;
            if (tags != null) d["tags"] = tags;
            return AseJson.Serialize(d);
        }

        public AseResourceGroup NewResourceGroup(string name, string location, IDictionary tags)
        {
            return NewResourceGroup(name, location, tags, CancellationToken.None);
        }

        public AseResourceGroup NewResourceGroup(string name, string location, IDictionary tags, CancellationToken ct)
        {
            if (name == null) throw new ArgumentNullException("name");
            return AseResourceGroup.FromJson(NewResourceGroupJson(ResourceGroupRequest(name, location, tags), name, ct));
        }

        public Task<AseResourceGroup> NewResourceGroupAsync(string name, string location, IDictionary tags, CancellationToken ct)
        {
            return Run(() => NewResourceGroup(name, location, tags, ct));
        }

        public AseOperation StartNewResourceGroup(string name, string location, IDictionary tags)
        {
            return new AseOperation("resourceGroupCreate", name, (p, ct) => NewResourceGroup(name, location, tags, ct));
        }

        /// <summary>Deletes a resource group and everything in it (long-running; progress + cancellable).</summary>
        public void RemoveResourceGroup(string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            RemoveResourceGroupCore(name, ProgressSink.For(progress, null), ct);
        }

        /// <summary>As above, progress as raw event JSON.</summary>
        public void RemoveResourceGroup(string name, Action<string> onProgressJson, CancellationToken ct)
        {
            RemoveResourceGroupCore(name, ProgressSink.For(null, onProgressJson), ct);
        }

        public void RemoveResourceGroup(string name) { RemoveResourceGroupCore(name, null, CancellationToken.None); }

        void RemoveResourceGroupCore(string name, ProgressSink sink, CancellationToken ct)
        {
            byte[] n = Utf8.ToNullTerminated(name);
            Invoke("resourceGroupDelete", name, ct, sink,
                c => NativeMethods.asegpu_resource_group_delete(c.Session, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveResourceGroupAsync(string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveResourceGroup(name, progress, ct); return null; });
        }

        public AseOperation StartRemoveResourceGroup(string name)
        {
            return new AseOperation("resourceGroupDelete", name, (p, ct) => { RemoveResourceGroup(name, p, ct); return null; });
        }

        // ---- GPU availability and preflight -----------------------------------------------------

        /// <summary>asegpu_gpu_availability as JSON.</summary>
        public string GetGpuAvailabilityJson(CancellationToken ct)
        {
            return Invoke("gpuAvailability", null, ct, null,
                c => NativeMethods.asegpu_gpu_availability(c.Session, c.Cancel, out c.Json, out c.Error));
        }

        public AseGpuReport GetGpuAvailability() { return GetGpuAvailability(CancellationToken.None); }
        public AseGpuReport GetGpuAvailability(CancellationToken ct) { return AseGpuReport.FromJson(GetGpuAvailabilityJson(ct)); }
        public Task<AseGpuReport> GetGpuAvailabilityAsync(CancellationToken ct) { return Run(() => GetGpuAvailability(ct)); }
        public AseOperation StartGetGpuAvailability()
        {
            return new AseOperation("gpuAvailability", null, (p, ct) => GetGpuAvailability(ct));
        }

        /// <summary>asegpu_gpu_preflight as JSON. A failing verdict is not an error (Ok = false).</summary>
        public string TestDeploymentJson(string requestJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("gpuPreflight", null, ct, null,
                c => NativeMethods.asegpu_gpu_preflight(c.Session, r, c.Cancel, out c.Json, out c.Error));
        }

        public AsePreflightReport TestDeployment(AseDeploymentRequest request) { return TestDeployment(request, CancellationToken.None); }
        public AsePreflightReport TestDeployment(AseDeploymentRequest request, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AsePreflightReport.FromJson(TestDeploymentJson(request.ToPreflightJson(), ct));
        }

        /// <summary>Preflight of <paramref name="count"/> VMs of one size (no template).</summary>
        public AsePreflightReport TestVmSize(string vmSize, int count, CancellationToken ct)
        {
            return AsePreflightReport.FromJson(TestDeploymentJson(AseDeploymentRequest.SizePreflightJson(vmSize, count), ct));
        }

        public Task<AsePreflightReport> TestDeploymentAsync(AseDeploymentRequest request, CancellationToken ct) { return Run(() => TestDeployment(request, ct)); }
        public AseOperation StartTestDeployment(AseDeploymentRequest request)
        {
            return new AseOperation("gpuPreflight", request == null ? null : request.ResourceGroupName, (p, ct) => TestDeployment(request, ct));
        }
        public AseOperation StartTestVmSize(string vmSize, int count)
        {
            return new AseOperation("gpuPreflight", vmSize, (p, ct) => TestVmSize(vmSize, count, ct));
        }

        // ---- template deployment ---------------------------------------------------------------

        /// <summary>asegpu_deployment_create as JSON (long-running: progress + cancellable).</summary>
        public string NewDeploymentJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("deploymentCreate", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_deployment_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Deploys a template after the preflight (PreflightFailed unless request.Force).</summary>
        public AseDeploymentResult NewDeployment(AseDeploymentRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            AseDeploymentResult r = AseDeploymentResult.FromJson(NewDeploymentJson(request.ToJson(), progress, null, ct));
            r.Parameters = new AseDeploymentParameters(request.CollectParameters());
            return r;
        }

        public AseDeploymentResult NewDeployment(AseDeploymentRequest request) { return NewDeployment(request, null, CancellationToken.None); }
        public Task<AseDeploymentResult> NewDeploymentAsync(AseDeploymentRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => NewDeployment(request, progress, ct));
        }
        public AseOperation StartNewDeployment(AseDeploymentRequest request)
        {
            return new AseOperation("deploymentCreate", request == null ? null : request.Name, (p, ct) => NewDeployment(request, p, ct));
        }

        // ---- VMs -----------------------------------------------------------------------------

        /// <summary>asegpu_vm_create as JSON; the admin password bytes are zeroed after the call.</summary>
        public string NewVmJson(string requestJson, SecureString adminPassword, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            return NewVmBytes(requestJson, Utf8.FromSecureString(adminPassword), ProgressSink.For(progress, onProgressJson), ct);
        }

        public string NewVmJson(string requestJson, string adminPassword, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            return NewVmBytes(requestJson, Utf8.ToNullTerminated(adminPassword), ProgressSink.For(progress, onProgressJson), ct);
        }

        string NewVmBytes(string requestJson, byte[] password, ProgressSink sink, CancellationToken ct)
        {
            GCHandle pin = password == null ? default(GCHandle) : GCHandle.Alloc(password, GCHandleType.Pinned);
            try
            {
                byte[] r = Utf8.ToNullTerminated(requestJson);
                return Invoke("vmCreate", null, ct, sink,
                    c => NativeMethods.asegpu_vm_create(c.Session, r, password, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
            }
            finally
            {
                if (password != null) Array.Clear(password, 0, password.Length);
                if (pin.IsAllocated) pin.Free();
            }
        }

        /// <summary>Creates a GPU VM (NIC + VM) after the preflight; the result has its IP address.</summary>
        public AseVmView NewVm(AseVmRequest request, SecureString adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseVmView.FromJson(NewVmJson(request.ToJson(), adminPassword, progress, null, ct));
        }

        public AseVmView NewVm(AseVmRequest request, string adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseVmView.FromJson(NewVmJson(request.ToJson(), adminPassword, progress, null, ct));
        }

        public Task<AseVmView> NewVmAsync(AseVmRequest request, SecureString adminPassword, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            SecureString copy = adminPassword == null ? null : adminPassword.Copy();
            return Run(() => { using (copy) return NewVm(request, copy, progress, ct); });
        }

        public AseOperation StartNewVm(AseVmRequest request, SecureString adminPassword)
        {
            SecureString copy = adminPassword == null ? null : adminPassword.Copy();
            return new AseOperation("vmCreate", request == null ? null : request.Name, (p, ct) => { using (copy) return NewVm(request, copy, p, ct); });
        }

        public string GetVmJson(string resourceGroup, string name, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name);
            return Invoke("vmGet", name, ct, null,
                c => NativeMethods.asegpu_vm_get(c.Session, g, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView GetVm(string resourceGroup, string name) { return GetVm(resourceGroup, name, CancellationToken.None); }
        public AseVmView GetVm(string resourceGroup, string name, CancellationToken ct) { return AseVmView.FromJson(GetVmJson(resourceGroup, name, ct)); }
        public Task<AseVmView> GetVmAsync(string resourceGroup, string name, CancellationToken ct) { return Run(() => GetVm(resourceGroup, name, ct)); }
        public AseOperation StartGetVm(string resourceGroup, string name)
        {
            return new AseOperation("vmGet", name, (p, ct) => GetVm(resourceGroup, name, ct));
        }

        /// <summary>VMs of a resource group, or of the whole device when <paramref name="resourceGroup"/> is null.</summary>
        public string ListVmsJson(string resourceGroup, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup);
            return Invoke("vmList", resourceGroup, ct, null,
                c => NativeMethods.asegpu_vm_list(c.Session, g, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView[] ListVms(string resourceGroup) { return ListVms(resourceGroup, CancellationToken.None); }
        public AseVmView[] ListVms(string resourceGroup, CancellationToken ct) { return AseVmView.ListFromJson(ListVmsJson(resourceGroup, ct)); }
        public Task<AseVmView[]> ListVmsAsync(string resourceGroup, CancellationToken ct) { return Run(() => ListVms(resourceGroup, ct)); }
        public AseOperation StartListVms(string resourceGroup)
        {
            return new AseOperation("vmList", resourceGroup, (p, ct) => ListVms(resourceGroup, ct));
        }

        /// <summary>asegpu_vm_power: action start | stop (stays provisioned, keeps the GPU) | deallocate | restart.</summary>
        public string SetVmPowerStateJson(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name), a = Utf8.ToNullTerminated(action);
            return Invoke("vmPower", name, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_vm_power(c.Session, g, n, a, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView SetVmPowerState(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return AseVmView.FromJson(SetVmPowerStateJson(resourceGroup, name, action, progress, null, ct));
        }

        public AseVmView SetVmPowerState(string resourceGroup, string name, string action) { return SetVmPowerState(resourceGroup, name, action, null, CancellationToken.None); }
        public Task<AseVmView> SetVmPowerStateAsync(string resourceGroup, string name, string action, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => SetVmPowerState(resourceGroup, name, action, progress, ct));
        }
        public AseOperation StartSetVmPowerState(string resourceGroup, string name, string action)
        {
            return new AseOperation("vmPower", name, (p, ct) => SetVmPowerState(resourceGroup, name, action, p, ct));
        }

        /// <summary>Deletes a VM (long-running).</summary>
        public void RemoveVm(string resourceGroup, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            RemoveVmCore(resourceGroup, name, ProgressSink.For(progress, null), ct);
        }

        public void RemoveVm(string resourceGroup, string name, Action<string> onProgressJson, CancellationToken ct)
        {
            RemoveVmCore(resourceGroup, name, ProgressSink.For(null, onProgressJson), ct);
        }

        void RemoveVmCore(string resourceGroup, string name, ProgressSink sink, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), n = Utf8.ToNullTerminated(name);
            Invoke("vmDelete", name, ct, sink,
                c => NativeMethods.asegpu_vm_delete(c.Session, g, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveVmAsync(string resourceGroup, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveVm(resourceGroup, name, progress, ct); return null; });
        }
        public AseOperation StartRemoveVm(string resourceGroup, string name)
        {
            return new AseOperation("vmDelete", name, (p, ct) => { RemoveVm(resourceGroup, name, p, ct); return true; });
        }

        // ---- extensions ------------------------------------------------------------------------

        /// <summary>asegpu_gpu_extension_install as JSON (waits until Succeeded/Failed).</summary>
        public string InstallGpuExtensionJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("gpuExtensionInstall", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_gpu_extension_install(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseExtensionInstallResult InstallGpuExtension(AseGpuExtensionRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseExtensionInstallResult.FromJson(InstallGpuExtensionJson(request.ToJson(), progress, null, ct));
        }

        public AseExtensionInstallResult InstallGpuExtension(AseGpuExtensionRequest request) { return InstallGpuExtension(request, null, CancellationToken.None); }
        public Task<AseExtensionInstallResult> InstallGpuExtensionAsync(AseGpuExtensionRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => InstallGpuExtension(request, progress, ct));
        }
        public AseOperation StartInstallGpuExtension(AseGpuExtensionRequest request)
        {
            return new AseOperation("gpuExtensionInstall", request == null ? null : request.VmName, (p, ct) => InstallGpuExtension(request, p, ct));
        }

        /// <summary>One extension (JSON object), or every extension of the VM (JSON array) when <paramref name="name"/> is null.</summary>
        public string GetVmExtensionJson(string resourceGroup, string vmName, string name, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), v = Utf8.ToNullTerminated(vmName), n = Utf8.ToNullTerminated(name);
            return Invoke("vmExtensionGet", name ?? vmName, ct, null,
                c => NativeMethods.asegpu_vm_extension_get(c.Session, g, v, n, c.Cancel, out c.Json, out c.Error));
        }

        public AseExtensionView GetVmExtension(string resourceGroup, string vmName, string name) { return GetVmExtension(resourceGroup, vmName, name, CancellationToken.None); }
        public AseExtensionView GetVmExtension(string resourceGroup, string vmName, string name, CancellationToken ct)
        {
            if (name == null) throw new ArgumentNullException("name");
            return AseExtensionView.FromJson(GetVmExtensionJson(resourceGroup, vmName, name, ct));
        }
        public AseExtensionView[] ListVmExtensions(string resourceGroup, string vmName) { return ListVmExtensions(resourceGroup, vmName, CancellationToken.None); }
        public AseExtensionView[] ListVmExtensions(string resourceGroup, string vmName, CancellationToken ct)
        {
            return AseExtensionView.ListFromJson(GetVmExtensionJson(resourceGroup, vmName, null, ct));
        }
        public Task<AseExtensionView> GetVmExtensionAsync(string resourceGroup, string vmName, string name, CancellationToken ct) { return Run(() => GetVmExtension(resourceGroup, vmName, name, ct)); }
        public Task<AseExtensionView[]> ListVmExtensionsAsync(string resourceGroup, string vmName, CancellationToken ct) { return Run(() => ListVmExtensions(resourceGroup, vmName, ct)); }
        /// <summary>As an operation: the result is an AseExtensionView, or AseExtensionView[] when <paramref name="name"/> is null.</summary>
        public AseOperation StartGetVmExtension(string resourceGroup, string vmName, string name)
        {
            if (name == null) return new AseOperation("vmExtensionList", vmName, (p, ct) => ListVmExtensions(resourceGroup, vmName, ct));
            return new AseOperation("vmExtensionGet", name, (p, ct) => GetVmExtension(resourceGroup, vmName, name, ct));
        }

        public void RemoveVmExtension(string resourceGroup, string vmName, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            byte[] g = Utf8.ToNullTerminated(resourceGroup), v = Utf8.ToNullTerminated(vmName), n = Utf8.ToNullTerminated(name);
            Invoke("vmExtensionRemove", name, ct, ProgressSink.For(progress, null),
                c => NativeMethods.asegpu_vm_extension_remove(c.Session, g, v, n, c.Callback, c.UserData, c.Cancel, out c.Error));
        }

        public Task RemoveVmExtensionAsync(string resourceGroup, string vmName, string name, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run<object>(() => { RemoveVmExtension(resourceGroup, vmName, name, progress, ct); return null; });
        }
        public AseOperation StartRemoveVmExtension(string resourceGroup, string vmName, string name)
        {
            return new AseOperation("vmExtensionRemove", name, (p, ct) => { RemoveVmExtension(resourceGroup, vmName, name, p, ct); return true; });
        }

        // ---- device update helper ----------------------------------------------------------------

        /// <summary>Before a device update: stops every running GPU VM staying provisioned; keep the record.</summary>
        public string SuspendForUpdateJson(IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            return Invoke("updateSuspend", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_update_suspend(c.Session, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseUpdateRecord SuspendForUpdate(IProgress<AseProgressEvent> progress, CancellationToken ct) { return AseUpdateRecord.FromJson(SuspendForUpdateJson(progress, null, ct)); }
        public Task<AseUpdateRecord> SuspendForUpdateAsync(IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => SuspendForUpdate(progress, ct)); }
        public AseOperation StartSuspendForUpdate() { return new AseOperation("updateSuspend", null, (p, ct) => SuspendForUpdate(p, ct)); }

        /// <summary>After a device update: starts the VMs of a record from SuspendForUpdate (its JSON).</summary>
        public string ResumeAfterUpdateJson(string recordJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(recordJson);
            return Invoke("updateResume", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_update_resume(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        public AseVmView[] ResumeAfterUpdate(string recordJson, IProgress<AseProgressEvent> progress, CancellationToken ct) { return AseVmView.ListFromJson(ResumeAfterUpdateJson(recordJson, progress, null, ct)); }
        public Task<AseVmView[]> ResumeAfterUpdateAsync(string recordJson, IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => ResumeAfterUpdate(recordJson, progress, ct)); }
        public AseOperation StartResumeAfterUpdate(string recordJson) { return new AseOperation("updateResume", null, (p, ct) => ResumeAfterUpdate(recordJson, p, ct)); }

        // ---- images ------------------------------------------------------------------------------

        /// <summary>asegpu_vhd_check (no session needed): throws InvalidArgument naming the problem and the fix.</summary>
        public static string CheckVhdJson(string path)
        {
            byte[] p = Utf8.ToNullTerminated(path == null ? null : System.IO.Path.GetFullPath(path));
            AseSessionHandle unused;
            return Invoke(null, "vhdCheck", path, CancellationToken.None, null,
                c => NativeMethods.asegpu_vhd_check(p, out c.Json, out c.Error), out unused);
        }

        public static AseVhdInfo CheckVhd(string path) { return AseVhdInfo.FromJson(CheckVhdJson(path)); }

        public string NewStorageAccountJson(string requestJson, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("storageAccountCreate", null, ct, ProgressSink.For(progress, null),
                c => NativeMethods.asegpu_storage_account_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Creates a storage account (kind Storage; Standard_LRS unless <paramref name="sku"/>), or returns the existing one.</summary>
        public AseStorageAccount NewStorageAccount(string resourceGroup, string name, string sku, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            Dictionary<string, object> d = new Dictionary<string, object>();
            d["resourceGroup"] = resourceGroup;
            d["name"] = name;
            Req.Put(d, "sku", sku);
            return AseStorageAccount.FromJson(NewStorageAccountJson(AseJson.Serialize(d), progress, ct));
        }

        public Task<AseStorageAccount> NewStorageAccountAsync(string resourceGroup, string name, string sku, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            return Run(() => NewStorageAccount(resourceGroup, name, sku, progress, ct));
        }
        public AseOperation StartNewStorageAccount(string resourceGroup, string name, string sku)
        {
            return new AseOperation("storageAccountCreate", name, (p, ct) => NewStorageAccount(resourceGroup, name, sku, p, ct));
        }

        public string SendVhdJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("vhdUpload", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_vhd_upload(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>Uploads a fixed VHD as a page blob (resumable; progress carries BytesDone/BytesTotal).</summary>
        public AseUploadSummary SendVhd(AseVhdUploadRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseUploadSummary.FromJson(SendVhdJson(request.ToJson(), progress, null, ct));
        }

        public Task<AseUploadSummary> SendVhdAsync(AseVhdUploadRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => SendVhd(request, progress, ct)); }
        public AseOperation StartSendVhd(AseVhdUploadRequest request)
        {
            return new AseOperation("vhdUpload", request == null ? null : request.VhdPath, (p, ct) => SendVhd(request, p, ct));
        }

        public string NewImageJson(string requestJson, IProgress<AseProgressEvent> progress, Action<string> onProgressJson, CancellationToken ct)
        {
            byte[] r = Utf8.ToNullTerminated(requestJson);
            return Invoke("imageCreate", null, ct, ProgressSink.For(progress, onProgressJson),
                c => NativeMethods.asegpu_image_create(c.Session, r, c.Callback, c.UserData, c.Cancel, out c.Json, out c.Error));
        }

        /// <summary>The documented bring-an-image flow end to end (check, storage account, upload, image).</summary>
        public AseImageResult NewImage(AseImageRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException("request");
            return AseImageResult.FromJson(NewImageJson(request.ToJson(), progress, null, ct));
        }

        public Task<AseImageResult> NewImageAsync(AseImageRequest request, IProgress<AseProgressEvent> progress, CancellationToken ct) { return Run(() => NewImage(request, progress, ct)); }
        public AseOperation StartNewImage(AseImageRequest request)
        {
            return new AseOperation("imageCreate", request == null ? null : request.ImageName, (p, ct) => NewImage(request, p, ct));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Minimal JSON (no dependency that differs between .NET Framework, Mono and .NET)
    // ------------------------------------------------------------------------------------------

    /// <summary>Parse to Dictionary&lt;string,object&gt; / List&lt;object&gt; / string / long / double / bool / null; serialize back.</summary>
    public static class AseJson
    {
        public static object Parse(string json)
        {
            if (json == null) return null;
            int i = 0;
            object v = ParseValue(json, ref i);
            SkipWs(json, ref i);
            if (i != json.Length) throw new FormatException("JSON: trailing characters at " + i);
            return v;
        }

        /// <summary>A JSON object as a case-insensitive Hashtable tree (arrays as object[]); for PowerShell callers.</summary>
        public static Hashtable ToHashtable(string json)
        {
            Hashtable h = J.Plain(Parse(json)) as Hashtable;
            if (h == null) throw new FormatException("JSON: not an object");
            return h;
        }

        public static string Str(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || v == null) return null;
            return v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        public static double? Num(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || v == null) return null;
            if (v is long) return (long)v;
            if (v is double) return (double)v;
            return null;
        }

        static void SkipWs(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        static object ParseValue(string s, ref int i)
        {
            SkipWs(s, ref i);
            if (i >= s.Length) throw new FormatException("JSON: unexpected end");
            char c = s[i];
            if (c == '{')
            {
                Dictionary<string, object> d = new Dictionary<string, object>();
                i++;
                SkipWs(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return d; }
                while (true)
                {
                    SkipWs(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw new FormatException("JSON: expected a key at " + i);
                    string k = ParseString(s, ref i);
                    SkipWs(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw new FormatException("JSON: expected ':' at " + i);
                    i++;
                    d[k] = ParseValue(s, ref i);
                    SkipWs(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return d; }
                    throw new FormatException("JSON: expected ',' or '}' at " + i);
                }
            }
            if (c == '[')
            {
                List<object> l = new List<object>();
                i++;
                SkipWs(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return l; }
                while (true)
                {
                    l.Add(ParseValue(s, ref i));
                    SkipWs(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return l; }
                    throw new FormatException("JSON: expected ',' or ']' at " + i);
                }
            }
            if (c == '"') return ParseString(s, ref i);
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            if (start == i) throw new FormatException("JSON: unexpected character '" + c + "' at " + i);
            string num = s.Substring(start, i - start);
            long lv;
            if (num.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && long.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out lv)) return lv;
            return double.Parse(num, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        static string ParseString(string s, ref int i)
        {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (i < s.Length)
            {
                char c = s[i++];
                if (c == '"') return b.ToString();
                if (c != '\\') { b.Append(c); continue; }
                if (i >= s.Length) break;
                char e = s[i++];
                switch (e)
                {
                    case '"': b.Append('"'); break;
                    case '\\': b.Append('\\'); break;
                    case '/': b.Append('/'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        if (i + 4 > s.Length) throw new FormatException("JSON: bad \\u escape");
                        b.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw new FormatException("JSON: bad escape \\" + e);
                }
            }
            throw new FormatException("JSON: unterminated string");
        }

        public static string Serialize(object value)
        {
            StringBuilder b = new StringBuilder();
            Write(b, value, 0);
            return b.ToString();
        }

        static void Write(StringBuilder b, object v, int depth)
        {
            if (depth > 64) throw new InvalidOperationException("JSON: nesting too deep");
            v = Unwrap(v);
            if (v == null) { b.Append("null"); return; }
            string s = v as string;
            if (s != null) { WriteString(b, s); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is char) { WriteString(b, v.ToString()); return; }
            if (v is int || v is long || v is short || v is byte || v is uint || v is ulong || v is ushort || v is sbyte)
            {
                b.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                return;
            }
            if (v is double || v is float || v is decimal)
            {
                double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) { b.Append("null"); return; }
                b.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (v is Enum) { WriteString(b, v.ToString()); return; }
            IDictionary dict = v as IDictionary;
            if (dict != null)
            {
                b.Append('{');
                bool first = true;
                foreach (DictionaryEntry kv in dict)
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, Convert.ToString(Unwrap(kv.Key), CultureInfo.InvariantCulture));
                    b.Append(':');
                    Write(b, kv.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            IDictionary<string, object> gd = v as IDictionary<string, object>;
            if (gd != null)
            {
                b.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object> kv in gd)
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, kv.Key);
                    b.Append(':');
                    Write(b, kv.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            IEnumerable en = v as IEnumerable;
            if (en != null)
            {
                b.Append('[');
                bool first = true;
                foreach (object o in en)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Write(b, o, depth + 1);
                }
                b.Append(']');
                return;
            }
            WriteString(b, Convert.ToString(v, CultureInfo.InvariantCulture));
        }

        // PowerShell wraps values in PSObject; take the base object without referencing PowerShell.
        static object Unwrap(object v)
        {
            if (v == null) return null;
            Type t = v.GetType();
            if (t.FullName == "System.Management.Automation.PSObject")
            {
                PropertyInfo p = t.GetProperty("BaseObject");
                if (p != null) return p.GetValue(v, null);
            }
            return v;
        }

        static void WriteString(StringBuilder b, string s)
        {
            b.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    case '\b': b.Append("\\b"); break;
                    case '\f': b.Append("\\f"); break;
                    default:
                        if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else b.Append(c);
                        break;
                }
            }
            b.Append('"');
        }
    }
}
