namespace CloudIngress.Core.Annotations;

/// <summary>
/// Everything the annotations of one Ingress or Service say, parsed once. Defaults apply where a
/// key is absent or its value was refused (the refusal is a diagnostic).
/// </summary>
public sealed record AnnotationSettings
{
    public static readonly AnnotationSettings Default = new();

    public TlsMode TlsMode { get; init; } = TlsMode.Offload;

    /// <summary>Null when not annotated: HTTP, or HTTPS in bridge mode.</summary>
    public BackendProtocol? BackendProtocol { get; init; }

    public string? Group { get; init; }

    public int GroupOrder { get; init; }

    public LoadBalancerScheme Scheme { get; init; } = LoadBalancerScheme.InternetFacing;

    /// <summary>The HTTPS port plain-HTTP requests are redirected to (308), or null for no redirect.</summary>
    public int? SslRedirectPort { get; init; }

    public string? BackendCaSecret { get; init; }

    public string? BackendSni { get; init; }

    public bool BackendTlsVerify { get; init; } = true;

    /// <summary>Null: everyone. Empty: nobody (every entry was invalid, so we fail closed).</summary>
    public IReadOnlyList<string>? SourceRanges { get; init; }

    public BasicAuthSettings? Auth { get; init; }

    public string? RewriteTarget { get; init; }

    public LoadBalancingPolicy LoadBalancing { get; init; } = LoadBalancingPolicy.RoundRobin;

    public ProxyProtocolVersion ProxyProtocol { get; init; } = ProxyProtocolVersion.None;

    public TimeSpan? RequestTimeout { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Null: the proxy default. 0: unlimited.</summary>
    public long? MaxRequestBodyBytes { get; init; }

    public CanarySettings? Canary { get; init; }

    public HealthCheckSettings? HealthCheck { get; init; }

    public IReadOnlyList<string> CertificateArns { get; init; } = [];

    public IReadOnlyList<ListenPort>? ListenPorts { get; init; }

    public TargetType TargetType { get; init; } = TargetType.Ip;

    public string? AddressPool { get; init; }

    public IReadOnlyList<string> LoadBalancerIps { get; init; } = [];

    public string? AllowSharedIp { get; init; }

    /// <summary>Setting → annotation key that set it (ours or an alias).</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>The field path of a setting's annotation, naming the key actually used.</summary>
    public string FieldOf(string setting) =>
        $"metadata.annotations[{Keys.GetValueOrDefault(setting) ?? AnnotationCatalog.Get(setting).PrimaryKey}]";
}
