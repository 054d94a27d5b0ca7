using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Build;

/// <summary>The shared state of one build: lookups, resolvers and the diagnostics they report to.</summary>
internal sealed class BuildContext
{
    public BuildContext(SnapshotIndex index, BuildOptions options, DiagnosticBag diagnostics)
    {
        Index = index;
        Options = options;
        Diagnostics = diagnostics;
        Backends = new BackendResolver(index, diagnostics);
        Certificates = new CertificateResolver(index, options, diagnostics);
        Secrets = new SecretReaders(index, diagnostics);
    }

    public SnapshotIndex Index { get; }

    public BuildOptions Options { get; }

    public DiagnosticBag Diagnostics { get; }

    public BackendResolver Backends { get; }

    public CertificateResolver Certificates { get; }

    public SecretReaders Secrets { get; }
}
