using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>What one translation reads (pools, certificates by id) and collects (diagnostics, certificate material).</summary>
internal sealed class TranslateContext(GatewayModel model, AzureTranslateOptions options)
{
    private readonly Dictionary<string, BackendPool> _pools = model.Backends.ToDictionary(b => b.Id, StringComparer.Ordinal);
    private readonly Dictionary<string, TlsCertificate> _certificates = model.Certificates.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public AzureTranslateOptions Options => options;

    public HashSet<Diagnostic> Diagnostics { get; } = [];

    public SortedDictionary<string, CertificateMaterial> Material { get; } = new(StringComparer.Ordinal);

    public BackendPool? Pool(string id) => _pools.GetValueOrDefault(id);

    public TlsCertificate? Certificate(string id) => _certificates.GetValueOrDefault(id);

    public void Report(DiagnosticSeverity severity, string code, ObjectRef subject, string message) =>
        Diagnostics.Add(new Diagnostic(severity, code, subject, null, message));
}
