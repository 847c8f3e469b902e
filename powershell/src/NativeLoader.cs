// Loading the native library: where it is looked for, how [DllImport("asegpu")] binds to it on each runtime, the ABI check.
// NativeLibrary (.NET Core 3+) is only reached through reflection; .NET Framework / Mono preload the library
// themselves (LoadLibraryW / dlopen + mono_dllmap_insert).
using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AseGpu
{
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
}
