using System;
using System.Globalization;
using System.Management.Automation;

namespace AseGpu.PowerShell
{
    /// <summary>The binding's progress events as PowerShell records (same text on the pipeline and in jobs).</summary>
    public static class AseProgress
    {
        /// <summary>The progress id every AseGpu operation uses (the script module's -Id 1).</summary>
        public const int ActivityId = 1;

        public static ProgressRecord Record(string activity, AseProgressEvent e)
        {
            string status = !string.IsNullOrEmpty(e.Message) ? e.Message : !string.IsNullOrEmpty(e.Stage) ? e.Stage : "working";
            ProgressRecord record = new ProgressRecord(ActivityId, activity, status);
            if (e.Percent.HasValue) record.PercentComplete = (int)Math.Min(100, Math.Max(0, e.Percent.Value));
            if (!string.IsNullOrEmpty(e.Stage)) record.CurrentOperation = e.Stage;
            return record;
        }

        public static ProgressRecord Completed(string activity)
        {
            return new ProgressRecord(ActivityId, activity, "done") { RecordType = ProgressRecordType.Completed };
        }

        /// <summary>An event that is a warning for the user (the library's "warning" stage): shown with
        /// WriteWarning, so -WarningAction and $WarningPreference apply.</summary>
        public static bool IsWarning(AseProgressEvent e)
        {
            return e != null && e.Stage == "warning" && !string.IsNullOrEmpty(e.Message);
        }

        /// <summary>"stage: message (1.5 s)", the verbose line of one event.</summary>
        public static string VerboseText(AseProgressEvent e)
        {
            return string.Format(CultureInfo.InvariantCulture, "{0}: {1} ({2:N1} s)", e.Stage, e.Message, e.ElapsedSeconds);
        }
    }
}
