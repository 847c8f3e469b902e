using System.Management.Automation;

namespace AseGpu.PowerShell
{
    /// <summary>Where an operation's output goes: the cmdlet's pipeline, or an AseJob's collections.</summary>
    public interface IAseOutput
    {
        void WriteObject(object value, bool enumerateCollection);

        void WriteWarning(string text);

        void WriteVerbose(string text);

        void WriteError(ErrorRecord record);
    }

    /// <summary>The pipeline of a running cmdlet (pipeline thread only).</summary>
    internal sealed class CmdletOutput : IAseOutput
    {
        readonly Cmdlet _cmdlet;

        internal CmdletOutput(Cmdlet cmdlet) { _cmdlet = cmdlet; }

        public void WriteObject(object value, bool enumerateCollection) { _cmdlet.WriteObject(value, enumerateCollection); }

        public void WriteWarning(string text) { _cmdlet.WriteWarning(text); }

        public void WriteVerbose(string text) { _cmdlet.WriteVerbose(text); }

        public void WriteError(ErrorRecord record) { _cmdlet.WriteError(record); }
    }
}
