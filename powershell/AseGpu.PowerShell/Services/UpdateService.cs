using System.IO;
using System.Text;

namespace AseGpu.PowerShell
{
    /// <summary>The device-update helper: stop GPU VMs staying provisioned before, start them after.</summary>
    public static class UpdateService
    {
        /// <summary>Stops every running GPU VM; outputs the record, or writes it to <paramref name="recordFile"/> (full path) and outputs the file.</summary>
        public static AseOperationSpec Suspend(AseSession session, string recordFile)
        {
            AseEmit emit = AseOperationSpec.EmitResult;
            if (recordFile != null)
            {
                emit = (result, output) =>
                {
                    if (!(result is AseUpdateRecord record)) return;
                    File.WriteAllText(recordFile, record.Json, new UTF8Encoding(false));
                    output.WriteObject(new FileInfo(recordFile), false);
                };
            }
            return new AseOperationSpec("Stopping GPU VMs for the update", recordFile, (p, ct) => session.SuspendForUpdate(p, ct), emit);
        }

        /// <summary>Starts the VMs of a record (its JSON); outputs the started VMs.</summary>
        public static AseOperationSpec Resume(AseSession session, string recordJson)
        {
            return new AseOperationSpec("Starting GPU VMs after the update", null, (p, ct) => session.ResumeAfterUpdate(recordJson, p, ct));
        }

        /// <summary>
        /// The JSON of a record given as an AseUpdateRecord, its JSON text, or the file Suspend-AseGpuVMsForUpdate -Path
        /// wrote (FileInfo); null for anything else.
        /// </summary>
        public static string RecordJson(object record)
        {
            object o = record is System.Management.Automation.PSObject ps ? ps.BaseObject : record;
            switch (o)
            {
                case AseUpdateRecord r: return r.Json;
                case FileInfo f: return File.ReadAllText(f.FullName);
                case string s when s.TrimStart().StartsWith("{"): return s;
                default: return null;
            }
        }
    }
}
