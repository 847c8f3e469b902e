// AseSession, the device update helper: suspend the GPU VMs before an update, resume them after (asegpu_update_*).
using System;
using System.Threading;
using System.Threading.Tasks;

namespace AseGpu
{
    public sealed partial class AseSession
    {
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
    }
}
