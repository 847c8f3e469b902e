using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace AseGpu.PowerShell
{
    /// <summary>
    /// Exceptions to ErrorRecords. An AseGpuException becomes ErrorId = its status name ("NotFound",
    /// "Tls", "PreflightFailed"...; PowerShell appends ",&lt;cmdlet class&gt;"), a category from the status,
    /// the exception itself, the target, and ErrorDetails with the ARM code, HTTP status and ids.
    /// </summary>
    public static class AseErrors
    {
        static readonly Dictionary<AseStatus, ErrorCategory> Categories = new Dictionary<AseStatus, ErrorCategory>
        {
            { AseStatus.NullArgument, ErrorCategory.InvalidArgument },
            { AseStatus.InvalidUtf8, ErrorCategory.InvalidArgument },
            { AseStatus.InvalidJson, ErrorCategory.InvalidArgument },
            { AseStatus.InvalidArgument, ErrorCategory.InvalidArgument },
            { AseStatus.Connection, ErrorCategory.ConnectionError },
            { AseStatus.Tls, ErrorCategory.SecurityError },
            { AseStatus.Timeout, ErrorCategory.OperationTimeout },
            { AseStatus.Authentication, ErrorCategory.AuthenticationError },
            { AseStatus.Authorization, ErrorCategory.PermissionDenied },
            { AseStatus.NotFound, ErrorCategory.ObjectNotFound },
            { AseStatus.Conflict, ErrorCategory.ResourceBusy },
            { AseStatus.Throttled, ErrorCategory.LimitsExceeded },
            { AseStatus.ArmRequest, ErrorCategory.InvalidOperation },
            { AseStatus.Server, ErrorCategory.ResourceUnavailable },
            { AseStatus.OperationFailed, ErrorCategory.InvalidResult },
            { AseStatus.Protocol, ErrorCategory.ProtocolError },
            { AseStatus.PreflightFailed, ErrorCategory.InvalidOperation },
            { AseStatus.Cancelled, ErrorCategory.OperationStopped },
            { AseStatus.Io, ErrorCategory.ReadError },
        };

        static readonly Dictionary<AseStatus, string> Recommended = new Dictionary<AseStatus, string>
        {
            { AseStatus.Authentication, "Check the Edge ARM password and that the user is EdgeArmUser." },
            { AseStatus.Tls, "Trust the device's root CA (in the system store, or with -CaCertificate), or pin its certificate's SHA-256 thumbprint with -CertificateThumbprint." },
            { AseStatus.NotFound, "Check the name (Get-AseResourceGroup, Get-AseVM and Get-AseVMExtension list what exists)." },
            { AseStatus.Connection, "Check -ArmEndpoint, -DeviceIp/-HostMap (or the hosts file) and that the device is reachable." },
            { AseStatus.PreflightFailed, "Read the findings (Test-AseGpuDeployment) and fix them, or try anyway: -Force (AseGpu cmdlets), -SkipGpuPreflight (AseGpu.AzCompat, where -Force keeps Az's meaning)." },
        };

        /// <summary>The ErrorCategory of a status (Get-AseErrorCategory of the script module).</summary>
        public static ErrorCategory Category(AseStatus status)
        {
            return Categories.TryGetValue(status, out ErrorCategory c) ? c : ErrorCategory.NotSpecified;
        }

        /// <summary>The exception that matters inside Aggregate/TargetInvocation/MethodInvocation wrappers.</summary>
        public static Exception Unwrap(Exception e)
        {
            while ((e is AggregateException || e is TargetInvocationException || e is MethodInvocationException) && e.InnerException != null)
                e = e.InnerException;
            return e;
        }

        /// <summary>Whether <paramref name="e"/> is a failure of ours to report as an ErrorRecord (not the engine's own flow control).</summary>
        public static bool IsReportable(Exception e)
        {
            e = Unwrap(e);
            return e is AseGpuException || e is AseGpuLoadException || e is ObjectDisposedException || e is System.IO.IOException
                || e is UnauthorizedAccessException || e is FormatException || e is ArgumentException;
        }

        /// <summary>The ErrorRecord of any exception; <paramref name="target"/> wins over the exception's own.</summary>
        public static ErrorRecord Record(Exception exception, object target)
        {
            Exception e = Unwrap(exception);
            switch (e)
            {
                case AseGpuException ase:
                    return FromAse(ase, target ?? ase.Target);
                case AseGpuLoadException load:
                    return new ErrorRecord(load, "NativeLibraryNotLoaded", ErrorCategory.ResourceUnavailable, load.LibraryPath);
                case ObjectDisposedException disposed:
                    return new ErrorRecord(disposed, "NotConnected", ErrorCategory.ConnectionError, target);
                case System.IO.FileNotFoundException missing:
                    return new ErrorRecord(missing, "FileNotFound", ErrorCategory.ObjectNotFound, target ?? missing.FileName);
                case System.IO.IOException io:
                    return new ErrorRecord(io, "Io", ErrorCategory.ReadError, target);
                case UnauthorizedAccessException denied:
                    return new ErrorRecord(denied, "Io", ErrorCategory.PermissionDenied, target);
                case ArgumentException argument:
                    return new ErrorRecord(argument, "InvalidArgument", ErrorCategory.InvalidArgument, target);
                case FormatException format:
                    return new ErrorRecord(format, "InvalidJson", ErrorCategory.InvalidData, target);
                default:
                    return new ErrorRecord(e, "Unexpected", ErrorCategory.NotSpecified, target);
            }
        }

        static ErrorRecord FromAse(AseGpuException e, object target)
        {
            ErrorRecord record = new ErrorRecord(e, e.Status.ToString(), Category(e.Status), target);
            record.ErrorDetails = new ErrorDetails(DetailsMessage(e));
            if (Recommended.TryGetValue(e.Status, out string action)) record.ErrorDetails.RecommendedAction = action;
            return record;
        }

        /// <summary>The message plus "(ARM code X, HTTP 404, request id ..., correlation id ...)" and the ARM details.</summary>
        public static string DetailsMessage(AseGpuException e)
        {
            List<string> parts = new List<string>();
            if (!string.IsNullOrEmpty(e.ArmCode)) parts.Add("ARM code " + e.ArmCode);
            if (e.HttpStatus != 0) parts.Add("HTTP " + e.HttpStatus);
            if (!string.IsNullOrEmpty(e.RequestId)) parts.Add("request id " + e.RequestId);
            if (!string.IsNullOrEmpty(e.CorrelationId)) parts.Add("correlation id " + e.CorrelationId);
            string message = e.Message;
            if (parts.Count > 0) message += " (" + string.Join(", ", parts) + ")";
            if (!string.IsNullOrEmpty(e.DetailsJson)) message += Environment.NewLine + "Details: " + e.DetailsJson;
            return message;
        }

        /// <summary>An error of our own making (bad argument, no session...) with an exception of the given type.</summary>
        public static ErrorRecord Make(Exception exception, string errorId, ErrorCategory category, object target)
        {
            return new ErrorRecord(exception, errorId, category, target);
        }

        /// <summary>Not connected: terminating in every cmdlet that needs a device.</summary>
        public static ErrorRecord NotConnected()
        {
            return Make(new InvalidOperationException("Not connected to a device. Run Connect-AseDevice first."),
                "NotConnected", ErrorCategory.ConnectionError, null);
        }

        static readonly MethodInfo SetInvocationInfoMethod =
            typeof(ErrorRecord).GetMethod("SetInvocationInfo", BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(InvocationInfo) }, null);

        /// <summary>
        /// Gives a record made off the pipeline (in a job) the invocation of the cmdlet that started the
        /// job, so that after Receive-Job it reads like an error of that cmdlet (FullyQualifiedErrorId
        /// "NotFound,AseGpu.RemoveAseVMCommand", InvocationInfo.MyCommand). PowerShell has no public way;
        /// without the internal method the record stays as it is.
        /// </summary>
        public static ErrorRecord WithInvocation(ErrorRecord record, InvocationInfo invocation)
        {
            if (invocation == null || SetInvocationInfoMethod == null) return record;
            try { SetInvocationInfoMethod.Invoke(record, new object[] { invocation }); }
            catch (TargetInvocationException) { }
            return record;
        }
    }
}
