using CloudIngress.Core.Diagnostics;
using System.Text.Json.Serialization;

namespace CloudIngress.Core.Model;

/// <summary>
/// The Build stage's output: provider-neutral desired state. Every list is sorted, so the same
/// snapshot gives the same model byte for byte.
/// </summary>
public sealed record GatewayModel
{
    public IReadOnlyList<Frontend> Frontends { get; init; } = [];

    public IReadOnlyList<BackendPool> Backends { get; init; } = [];

    public IReadOnlyList<TlsCertificate> Certificates { get; init; } = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    [JsonIgnore]
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
