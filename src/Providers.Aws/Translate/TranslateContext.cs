using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Translate;

/// <summary>What one translation collects: target groups and certificate imports by key, and diagnostics.</summary>
internal sealed class TranslateContext(GatewayModel model, AwsTranslateOptions options)
{
    private readonly Dictionary<string, BackendPool> _pools = model.Backends.ToDictionary(b => b.Id, StringComparer.Ordinal);
    private readonly Dictionary<string, TlsCertificate> _certificates = model.Certificates.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public AwsTranslateOptions Options => options;

    public SortedDictionary<string, TargetGroupPlan> TargetGroups { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, CertificateImportPlan> Imports { get; } = new(StringComparer.Ordinal);

    public HashSet<Diagnostic> Diagnostics { get; } = [];

    /// <summary>Hosts whose certificate was looked for among ACM's issued ones (discovery).</summary>
    public SortedSet<string> Discovered { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every rule asks for its target group; the answer for a pool behind a load balancer never changes.</summary>
    private readonly Dictionary<(string Pool, string LoadBalancer, LoadBalancerType Type), string?> _targetGroupKeys = [];

    public void Report(DiagnosticSeverity severity, string code, ObjectRef subject, string message) =>
        Diagnostics.Add(new Diagnostic(severity, code, subject, null, message));

    public TlsCertificate? Certificate(string id) => _certificates.GetValueOrDefault(id);

    /// <summary>The import of a Secret's certificate, keyed by the Secret.</summary>
    public string Import(TlsCertificate certificate)
    {
        var key = AwsTags.Value("cert/" + certificate.Id);
        if (!Imports.ContainsKey(key))
        {
            var blocks = PemBlocks(certificate.CertificatePem);
            Imports[key] = new CertificateImportPlan
            {
                Key = key,
                Sha256 = certificate.Sha256,
                CertificatePem = blocks.FirstOrDefault() ?? string.Empty,
                ChainPem = blocks.Count > 1 ? string.Concat(blocks.Skip(1)) : null,
                PrivateKeyPem = certificate.PrivateKeyPem,
                DnsNames = certificate.DnsNames,
            };
        }

        return key;
    }

    /// <summary>True when <paramref name="poolId"/> can sit behind an AWS load balancer (reported when not).</summary>
    public bool Usable(string poolId, ObjectRef subject)
    {
        if (!_pools.TryGetValue(poolId, out var pool))
        {
            return false;
        }

        if (pool.ExternalName)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, subject,
                $"backend {pool.Service.Key} is an ExternalName Service, which an AWS load balancer cannot target; its routes answer 503");
            return false;
        }

        return true;
    }

    /// <summary>
    /// The target group of <paramref name="poolId"/> behind <paramref name="loadBalancerKey"/> (a group
    /// belongs to one load balancer), or null when the pool cannot be a target group there.
    /// </summary>
    public string? TargetGroup(string poolId, string loadBalancerKey, LoadBalancerType type, ObjectRef subject)
    {
        if (!_targetGroupKeys.TryGetValue((poolId, loadBalancerKey, type), out var known))
        {
            known = _targetGroupKeys[(poolId, loadBalancerKey, type)] = NewTargetGroup(poolId, loadBalancerKey, type, subject);
        }

        return known;
    }

    private string? NewTargetGroup(string poolId, string loadBalancerKey, LoadBalancerType type, ObjectRef subject)
    {
        if (!Usable(poolId, subject))
        {
            return null;
        }

        var pool = _pools[poolId];
        var (protocol, version) = Protocols(pool.Protocol, type);
        if (type == LoadBalancerType.Application && pool.Tls is { Verify: true })
        {
            Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, subject,
                $"ALB encrypts to the pods of {pool.Service.Key} but does not verify their certificates; backend-ca-secret has no effect on AWS");
        }

        var targetType = pool.TargetType == Core.Annotations.TargetType.Instance ? "instance" : "ip";
        if (targetType == "instance" && pool.NodePort is null)
        {
            Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, subject,
                $"target-type instance needs a node port, and Service {pool.Service.Key} has none; pod addresses are registered instead");
            targetType = "ip";
        }

        var port = targetType == "instance" ? pool.NodePort!.Value : int.TryParse(pool.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 80;
        var key = AwsTags.Value($"tg/{pool.Id}@{loadBalancerKey}/{protocol}/{version ?? "-"}/{targetType}/{port.ToString(CultureInfo.InvariantCulture)}");
        if (TargetGroups.ContainsKey(key))
        {
            return key;
        }

        var targets = targetType == "instance"
            ? pool.Endpoints.Select(e => e.NodeName).OfType<string>().Distinct(StringComparer.Ordinal).Select(n => new TargetSpec(n, port))
            : pool.Endpoints.Select(e => new TargetSpec(e.Address, e.Port));
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (type == LoadBalancerType.Network)
        {
            if (pool.ProxyProtocol == ProxyProtocolVersion.V1)
            {
                Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, subject, "NLB speaks PROXY protocol v2 only; v1 is not sent");
            }

            attributes["proxy_protocol_v2.enabled"] = pool.ProxyProtocol == ProxyProtocolVersion.V2 ? "true" : "false";
        }

        TargetGroups[key] = new TargetGroupPlan
        {
            Key = key,
            Name = AwsNames.TargetGroup(options.ClusterName, key),
            LoadBalancerKey = loadBalancerKey,
            PoolId = pool.Id,
            Protocol = protocol,
            ProtocolVersion = version,
            Port = port,
            TargetType = targetType,
            HealthCheck = HealthCheck(pool.HealthCheck, protocol, version),
            Targets = targets.Distinct().OrderBy(t => t.Id, StringComparer.Ordinal).ThenBy(t => t.Port).ToValueList(),
            Attributes = attributes,
        };
        return key;
    }

    private static (string Protocol, string? Version) Protocols(BackendProtocol protocol, LoadBalancerType type) => (type, protocol) switch
    {
        (LoadBalancerType.Network, BackendProtocol.Udp) => ("UDP", null),
        (LoadBalancerType.Network, _) => ("TCP", null),
        (_, BackendProtocol.Https) => ("HTTPS", "HTTP1"),
        (_, BackendProtocol.Grpc) => ("HTTP", "GRPC"),
        (_, BackendProtocol.Grpcs) => ("HTTPS", "GRPC"),
        _ => ("HTTP", "HTTP1"),
    };

    /// <summary>The pool's health check in ELBv2 terms; TCP groups without one get a TCP check.</summary>
    private static HealthCheckSpec HealthCheck(HealthCheckSettings? settings, string protocol, string? version)
    {
        var s = settings ?? new HealthCheckSettings();
        var port = s.Port?.ToString(CultureInfo.InvariantCulture) ?? "traffic-port";
        if (protocol is "TCP" or "UDP")
        {
            var checkProtocol = settings?.Protocol?.ToUpperInvariant() is "HTTP" or "HTTPS" ? settings.Protocol.ToUpperInvariant() : "TCP";
            return checkProtocol == "TCP"
                ? new HealthCheckSpec("TCP", port, null, s.IntervalSeconds, s.TimeoutSeconds, s.HealthyThreshold, s.UnhealthyThreshold, null, null)
                : new HealthCheckSpec(checkProtocol, port, s.Path, s.IntervalSeconds, s.TimeoutSeconds, s.HealthyThreshold, s.UnhealthyThreshold, s.SuccessCodes, null);
        }

        var hcProtocol = s.Protocol?.ToUpperInvariant() is "HTTP" or "HTTPS" ? s.Protocol.ToUpperInvariant() : protocol;
        return version == "GRPC"
            ? new HealthCheckSpec(hcProtocol, port, s.Path == "/" ? "/AWS.ALB/healthcheck" : s.Path, s.IntervalSeconds, s.TimeoutSeconds,
                s.HealthyThreshold, s.UnhealthyThreshold, null, s.SuccessCodes == "200" ? "12" : s.SuccessCodes)
            : new HealthCheckSpec(hcProtocol, port, s.Path, s.IntervalSeconds, s.TimeoutSeconds, s.HealthyThreshold, s.UnhealthyThreshold, s.SuccessCodes, null);
    }

    private static List<string> PemBlocks(string pem)
    {
        const string End = "-----END CERTIFICATE-----";
        var blocks = new List<string>();
        var start = 0;
        while (pem.IndexOf("-----BEGIN CERTIFICATE-----", start, StringComparison.Ordinal) is var begin and >= 0)
        {
            var end = pem.IndexOf(End, begin, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            blocks.Add(pem[begin..(end + End.Length)] + "\n");
            start = end + End.Length;
        }

        return blocks;
    }
}
