// AseNative: library-wide facts and functions (versions, status names, shutdown, the panic test hook).
using System;
using System.Threading;

namespace AseGpu
{
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
}
