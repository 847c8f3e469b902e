# Texts shared by many cmdlets (a cmdlet's own *.help.psd1 entry wins). See Build-AseHelp.ps1.
@{
    Parameters = @{
        AsJob   = @'
Run as a background job in this PowerShell process and output the job at once (no ThreadJob module needed).
Get-Job, Wait-Job and Receive-Job work as usual; the job ends Completed, Failed (Receive-Job writes the
error) or Stopped. Stop-Job cancels the operation on the device connection.
'@
        WhatIf  = 'Shows what the cmdlet would do, without doing it (nothing is sent to the device).'
        Confirm = 'Asks for confirmation before doing it.'
    }
    Notes      = @(
        'Errors are ErrorRecords whose FullyQualifiedErrorId starts with the AseGpu status (NotFound, Conflict, Tls, Authentication, Connection, PreflightFailed, Cancelled...) and whose ErrorDetails carry the ARM error code, the HTTP status and the request and correlation ids; the exception is the AseGpu.AseGpuException itself. A failure of one pipeline item is non-terminating (-ErrorAction, -ErrorVariable and $ErrorActionPreference apply); a missing connection (NotConnected) and bad arguments are terminating.'
        'Long operations show progress and stop on Ctrl+C: the operation is cancelled on the device connection (what the device already accepted goes on there).'
    )
}
