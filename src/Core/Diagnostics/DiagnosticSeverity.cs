namespace CloudIngress.Core.Diagnostics;

/// <summary>
/// Error: part of the object was refused and is not served as written. Warning: served, but
/// degraded or surprising. Info: worth knowing, nothing is wrong.
/// </summary>
public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}
