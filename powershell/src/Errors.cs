// The exceptions: AseGpuException (a failed call, with the ARM details) and AseGpuLoadException (no library loaded).
using System;
using System.Collections.Generic;

namespace AseGpu
{
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
}
