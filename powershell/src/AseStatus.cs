// AseStatus: the C# mirror of the header's AsegpuStatus (tests/integration/csharp_status.rs fails when the two differ).

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
}
