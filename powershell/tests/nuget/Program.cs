// Uses the AseGpu.Interop package the way a C# program would: the native library must load from the
// package's runtimes/<rid>/native/ through the binding's own resolver, and a failing call must surface as
// an AseGpuException with its status. Last line: "N passed, M failed".
using System;
using System.IO;
using AseGpu;

static class Program
{
    static int passed, failed;

    static void Check(bool ok, string what)
    {
        if (ok) { passed++; } else { failed++; Console.Error.WriteLine("FAIL " + what); }
    }

    static int Main(string[] args)
    {
        string expected = args.Length > 0 ? args[0] : "";
        string version = AseNative.Version;
        Console.WriteLine("asegpu " + version + ", ABI " + AseNative.AbiVersion);
        Check(version == expected, "native version " + version + " is the packed " + expected);
        string native = Path.Combine(AppDomain.CurrentDomain.BaseDirectory, "runtimes", "linux-x64", "native", "libasegpu.so");
        Check(File.Exists(native), "the package put " + native + " beside the program");
        try
        {
            AseSession.CheckVhd(Path.Combine(Path.GetTempPath(), "no-such-disk-" + Guid.NewGuid().ToString("N") + ".vhd"));
            Check(false, "a missing VHD is refused");
        }
        catch (AseGpuException e)
        {
            Check(e.Status == AseStatus.Io || e.Status == AseStatus.InvalidArgument, "missing VHD: " + e.Status + ": " + e.Message);
        }
        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
