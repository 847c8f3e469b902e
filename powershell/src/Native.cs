// NativeMethods: the raw P/Invoke declarations, one [DllImport] per C function of include/asegpu.h, named like it.
using System;
using System.Runtime.InteropServices;

namespace AseGpu
{
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

        // ---- one ARM request and the storage data plane (crates/asegpu-ffi/src/storage.rs) ----------------------

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_arm_request(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_storage_container_create(IntPtr session, byte[] requestJson, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_storage_sas_token(byte[] requestJson, out AseStringHandle outToken, out AseErrorHandle outError);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern uint asegpu_storage_page_blob_upload(IntPtr session, byte[] requestJson,
            AsegpuProgressCallback callback, IntPtr userdata, IntPtr cancel,
            out AseStringHandle outJson, out AseErrorHandle outError);
    }
}
