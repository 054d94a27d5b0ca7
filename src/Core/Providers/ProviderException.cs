using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Providers;

/// <summary>
/// A plan, apply or destroy that could not finish: the cloud refused, was unreachable, had no
/// credentials, or kept producing changes. The message names what and where; it never carries
/// secret material. <see cref="Diagnostics"/> are about the objects affected (for Events).
/// </summary>
public sealed class ProviderException : Exception
{
    public ProviderException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public ProviderException(string message, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<ApiCall> calls, Exception? inner = null)
        : base(message, inner)
    {
        Diagnostics = diagnostics;
        Calls = calls;
    }

    public ProviderException()
    {
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; } = [];

    public IReadOnlyList<ApiCall> Calls { get; } = [];

    /// <summary>True when it is configuration (no credentials, bad endpoint) rather than the cloud failing.</summary>
    public bool IsConfiguration { get; init; }
}
