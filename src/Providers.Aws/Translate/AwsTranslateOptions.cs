namespace CloudIngress.Providers.Aws.Translate;

/// <summary>An ISSUED ACM certificate that discovery may pick for a host.</summary>
public sealed record AvailableCertificate(string Arn, IReadOnlyList<string> Names, DateTimeOffset? NotAfter = null);

public sealed record AwsTranslateOptions
{
    public required string ClusterName { get; init; }

    /// <summary>Listener rules one load balancer may hold (AWS's default quota: 100, excluding default rules).</summary>
    public int MaxRulesPerLoadBalancer { get; init; } = 100;

    /// <summary>Certificates per listener besides the default one (AWS's default quota: 25).</summary>
    public int MaxCertificatesPerListener { get; init; } = 25;

    /// <summary>TLS 1.2 and 1.3 only, forward-secret ciphers.</summary>
    public string SslPolicy { get; init; } = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    /// <summary>ISSUED certificates in ACM, for hosts that bring neither an ARN nor a Secret.</summary>
    public IReadOnlyList<AvailableCertificate> AcmCertificates { get; init; } = [];
}
