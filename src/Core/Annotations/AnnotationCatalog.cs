using static CloudIngress.Core.Annotations.AnnotationPrefixes;

namespace CloudIngress.Core.Annotations;

/// <summary>
/// Every annotation we read, with its aliases in precedence order: our own key first, then the
/// other controllers' keys in the order listed. <c>docs/annotations.md</c> is this table in prose.
/// </summary>
public static class AnnotationCatalog
{
    public const string TlsModeSetting = "tls-mode";
    public const string BackendProtocolSetting = "backend-protocol";
    public const string GroupSetting = "group";
    public const string GroupOrderSetting = "group-order";
    public const string SchemeSetting = "scheme";
    public const string SslRedirectSetting = "ssl-redirect";
    public const string BackendCaSecretSetting = "backend-ca-secret";
    public const string BackendSniSetting = "backend-sni";
    public const string BackendTlsVerifySetting = "backend-tls-verify";
    public const string SourceRangeSetting = "whitelist-source-range";
    public const string AuthTypeSetting = "auth-type";
    public const string AuthSecretSetting = "auth-secret";
    public const string AuthRealmSetting = "auth-realm";
    public const string RewriteTargetSetting = "rewrite-target";
    public const string LoadBalancingSetting = "load-balancing";
    public const string ProxyProtocolSetting = "proxy-protocol";
    public const string RequestTimeoutSetting = "request-timeout";
    public const string ConnectTimeoutSetting = "connect-timeout";
    public const string BodySizeSetting = "proxy-body-size";
    public const string CanarySetting = "canary";
    public const string CanaryWeightSetting = "canary-weight";
    public const string CanaryHeaderSetting = "canary-by-header";
    public const string CanaryHeaderValueSetting = "canary-by-header-value";
    public const string HealthCheckPathSetting = "healthcheck-path";
    public const string HealthCheckPortSetting = "healthcheck-port";
    public const string HealthCheckProtocolSetting = "healthcheck-protocol";
    public const string HealthCheckIntervalSetting = "healthcheck-interval-seconds";
    public const string HealthCheckTimeoutSetting = "healthcheck-timeout-seconds";
    public const string HealthyThresholdSetting = "healthy-threshold-count";
    public const string UnhealthyThresholdSetting = "unhealthy-threshold-count";
    public const string SuccessCodesSetting = "success-codes";
    public const string CertificateArnSetting = "certificate-arn";
    public const string ListenPortsSetting = "listen-ports";
    public const string TargetTypeSetting = "target-type";
    public const string AddressPoolSetting = "address-pool";
    public const string LoadBalancerIpsSetting = "load-balancer-ips";
    public const string AllowSharedIpSetting = "allow-shared-ip";

    /// <summary>Free-form configuration injected into another proxy's config: refused outright.</summary>
    public static readonly IReadOnlyList<string> SnippetKeys =
    [
        Nginx + "configuration-snippet",
        Nginx + "server-snippet",
        Nginx + "auth-snippet",
        Nginx + "stream-snippet",
        Nginx + "modsecurity-snippet",
        Ours + "configuration-snippet",
        Ours + "server-snippet",
    ];

    public static readonly IReadOnlyList<AnnotationDefinition> All =
    [
        Define(TlsModeSetting, AnnotationScope.Ingress, Key(Ours + "tls-mode"),
            Key(Nginx + "ssl-passthrough", v => BoolTo(v, "passthrough"))),
        Define(BackendProtocolSetting, AnnotationScope.Ingress, Key(Ours + "backend-protocol"),
            Key(Alb + "backend-protocol"), Key(Nginx + "backend-protocol"), Key(AppGw + "backend-protocol")),
        Define(GroupSetting, AnnotationScope.Ingress, Key(Ours + "group"), Key(Alb + "group.name")),
        Define(GroupOrderSetting, AnnotationScope.Ingress, Key(Ours + "group-order"), Key(Alb + "group.order")),
        Define(SchemeSetting, AnnotationScope.Both, Key(Ours + "scheme"), Key(Alb + "scheme")),
        Define(SslRedirectSetting, AnnotationScope.Ingress, Key(Ours + "ssl-redirect"), Key(Alb + "ssl-redirect"),
            Key(Nginx + "force-ssl-redirect"), Key(Nginx + "ssl-redirect"), Key(AppGw + "ssl-redirect")),
        Define(BackendCaSecretSetting, AnnotationScope.Ingress, Key(Ours + "backend-ca-secret"),
            Key(Nginx + "proxy-ssl-secret"), Key(AppGw + "appgw-trusted-root-certificate")),
        Define(BackendSniSetting, AnnotationScope.Ingress, Key(Ours + "backend-sni"), Key(Nginx + "proxy-ssl-name")),
        Define(BackendTlsVerifySetting, AnnotationScope.Ingress, Key(Ours + "backend-tls-verify"),
            Key(Nginx + "proxy-ssl-verify", OnOff)),
        Define(SourceRangeSetting, AnnotationScope.Both, Key(Ours + "whitelist-source-range"),
            Key(Alb + "inbound-cidrs"), Key(Nginx + "allowlist-source-range"), Key(Nginx + "whitelist-source-range")),
        Define(AuthTypeSetting, AnnotationScope.Ingress, Key(Ours + "auth-type"), Key(Nginx + "auth-type")),
        Define(AuthSecretSetting, AnnotationScope.Ingress, Key(Ours + "auth-secret"), Key(Nginx + "auth-secret")),
        Define(AuthRealmSetting, AnnotationScope.Ingress, Key(Ours + "auth-realm"), Key(Nginx + "auth-realm")),
        Define(RewriteTargetSetting, AnnotationScope.Ingress, Key(Ours + "rewrite-target"), Key(Nginx + "rewrite-target")),
        Define(LoadBalancingSetting, AnnotationScope.Ingress, Key(Ours + "load-balancing")),
        Define(ProxyProtocolSetting, AnnotationScope.Both, Key(Ours + "proxy-protocol")),
        Define(RequestTimeoutSetting, AnnotationScope.Ingress, Key(Ours + "request-timeout")),
        Define(ConnectTimeoutSetting, AnnotationScope.Ingress, Key(Ours + "connect-timeout"),
            Key(Nginx + "proxy-connect-timeout")),
        Define(BodySizeSetting, AnnotationScope.Ingress, Key(Ours + "proxy-body-size"), Key(Nginx + "proxy-body-size")),
        Define(CanarySetting, AnnotationScope.Ingress, Key(Ours + "canary"), Key(Nginx + "canary")),
        Define(CanaryWeightSetting, AnnotationScope.Ingress, Key(Ours + "canary-weight"), Key(Nginx + "canary-weight")),
        Define(CanaryHeaderSetting, AnnotationScope.Ingress, Key(Ours + "canary-by-header"),
            Key(Nginx + "canary-by-header")),
        Define(CanaryHeaderValueSetting, AnnotationScope.Ingress, Key(Ours + "canary-by-header-value"),
            Key(Nginx + "canary-by-header-value")),
        HealthCheck(HealthCheckPathSetting),
        HealthCheck(HealthCheckPortSetting),
        HealthCheck(HealthCheckProtocolSetting),
        HealthCheck(HealthCheckIntervalSetting),
        HealthCheck(HealthCheckTimeoutSetting),
        HealthCheck(HealthyThresholdSetting),
        HealthCheck(UnhealthyThresholdSetting),
        HealthCheck(SuccessCodesSetting),
        Define(CertificateArnSetting, AnnotationScope.Ingress, Key(Aws + "certificate-arn"), Key(Alb + "certificate-arn")),
        Define(ListenPortsSetting, AnnotationScope.Ingress, Key(Aws + "listen-ports"), Key(Alb + "listen-ports")),
        Define(TargetTypeSetting, AnnotationScope.Both, Key(Aws + "target-type"), Key(Alb + "target-type")),
        MetalLbKey(AddressPoolSetting, AddressPoolSetting),
        MetalLbKey(LoadBalancerIpsSetting, "loadBalancerIPs", Key(MetalLb + "loadBalancerIPs")),
        MetalLbKey(AllowSharedIpSetting, AllowSharedIpSetting),
    ];

    private static readonly Dictionary<string, AnnotationDefinition> BySetting =
        All.ToDictionary(d => d.Setting, StringComparer.Ordinal);

    private static readonly Dictionary<string, AnnotationDefinition> ByKey =
        All.SelectMany(d => d.Keys.Select(k => (k.Name, d))).ToDictionary(p => p.Name, p => p.d, StringComparer.Ordinal);

    public static AnnotationDefinition Get(string setting) => BySetting[setting];

    /// <summary>The definition a key belongs to, or null when we do not read that key.</summary>
    public static AnnotationDefinition? FindByKey(string key) => ByKey.GetValueOrDefault(key);

    private static AnnotationDefinition Define(string setting, AnnotationScope scope, params AnnotationKey[] keys) =>
        new(setting, scope, keys);

    private static AnnotationDefinition HealthCheck(string suffix) =>
        Define(suffix, AnnotationScope.Both, Key(Ours + suffix), Key(Alb + suffix));

    /// <summary>
    /// Services and ingress groups (a group may ask for its own pool or address); MetalLB's own key
    /// wins over its deprecated <c>metallb.universe.tf</c> twin, as in MetalLB.
    /// </summary>
    private static AnnotationDefinition MetalLbKey(string setting, string metalLbSuffix, params AnnotationKey[] olderSpellings) =>
        Define(setting, AnnotationScope.Both, [Key(MetalLb + setting), .. olderSpellings, Key(MetalLbIo + metalLbSuffix), Key(MetalLbUniverse + metalLbSuffix)]);

    private static AnnotationKey Key(string name, Func<string, string?>? translate = null) => new(name, translate);

    /// <summary>An alias that is a boolean switch for one canonical value; "false" expresses no opinion.</summary>
    private static string? BoolTo(string value, string whenTrue) =>
        value.ToLowerInvariant() switch
        {
            "true" => whenTrue,
            "false" => null,
            _ => value,
        };

    private static string? OnOff(string value) =>
        value.ToLowerInvariant() switch
        {
            "on" => "true",
            "off" => "false",
            _ => value,
        };
}
