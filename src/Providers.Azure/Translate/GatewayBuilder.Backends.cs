using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Resources;
using System.Globalization;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>Pools of pod IPs, backend settings (protocol, timeout, trusted roots, SNI) and probes.</summary>
internal sealed partial class GatewayBuilder
{
    private Target Forward(RouteAction action, ObjectRef source, VirtualHost host, int? timeout)
    {
        var backends = action.Backends ?? [];
        if (backends.Count > 1 || action.Canary is not null)
        {
            _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source,
                $"Application Gateway has no weighted routing or canaries; every request for {host.Host} on this route goes to {backends.FirstOrDefault()?.Backend}");
        }

        if (backends.Count == 0 || _context.Pool(backends[0].Backend) is not { } pool)
        {
            return Deny();
        }

        if (pool.Tls is { Verify: true, CaSecret: not null, CaCertificates: 0 } || (pool.Tls?.CaSecret is not null && pool.Tls.CaPem is null))
        {
            _context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, source,
                $"the CA of {pool.Tls!.CaSecret!.Key} could not be loaded, so the gateway cannot verify {pool.Service.Key}; the route answers 502 rather than trust any certificate");
            return Deny();
        }

        if (pool.Tls is { Verify: false })
        {
            _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source,
                $"Application Gateway v2 always verifies the certificates of {pool.Service.Key}; backend-tls-verify: false has no effect");
        }

        if (pool.Protocol == BackendProtocol.Grpc)
        {
            _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source,
                $"Application Gateway speaks gRPC to pods over TLS only; {pool.Service.Key} is reached with HTTP/1.1");
        }

        var https = pool.Protocol is BackendProtocol.Https or BackendProtocol.Grpcs || pool.Tls is not null;
        var ports = pool.Endpoints.Select(e => e.Port).Distinct().ToList();
        if (ports.Count > 1)
        {
            _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source,
                $"the endpoints of {pool.Service.Key} listen on different ports and a gateway pool has one; port {ports.Min()} is used");
        }

        var port = ports.Count > 0 ? ports.Min() : int.TryParse(pool.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 80;
        var poolName = _pools.Add(AzureNames.Child("pool", pool.Id, pool.Id), () => new GatewayBackendAddressPoolProperties(
            [.. pool.Endpoints.Select(e => e.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(a => pool.ExternalName ? new GatewayBackendAddress(null, a) : new GatewayBackendAddress(a, null))]));
        var roots = https ? TrustedRoots(pool) : null;
        var probe = pool.HealthCheck is { } check ? Probe(pool, check, https) : null;
        var identity = $"{pool.Id}|{timeout?.ToString(CultureInfo.InvariantCulture) ?? "-"}";
        var settings = _settings.Add(AzureNames.Child("settings", pool.Id, identity), () => new BackendHttpSettingsProperties
        {
            Port = port,
            Protocol = https ? "Https" : "Http",
            RequestTimeout = timeout,
            Probe = probe is null ? null : Ref("probes", probe),
            TrustedRootCertificates = roots,
            HostName = https ? pool.Tls?.Sni : null,
            PickHostNameFromBackendAddress = pool.ExternalName ? true : null,
        });
        return new Target(poolName, settings, null);
    }

    /// <summary>The CA Secret's certificates, one trusted root each (named by fingerprint); null for the gateway's well-known CAs.</summary>
    private IReadOnlyList<SubResource>? TrustedRoots(BackendPool pool)
    {
        if (pool.Tls?.CaPem is not { } pem)
        {
            return null;
        }

        return [.. CertificateData.DerBlocks(pem).Select(der =>
        {
            var name = _roots.Add(AzureNames.Child("root", pool.Tls.CaSecret?.Name ?? "ca", CertificateData.Fingerprint(der)),
                () => new TrustedRootCertificateProperties(Convert.ToBase64String(der)));
            return Ref("trustedRootCertificates", name);
        })];
    }

    private string Probe(BackendPool pool, HealthCheckSettings check, bool https)
    {
        var protocol = check.Protocol?.ToUpperInvariant() switch
        {
            "HTTP" => "Http",
            "HTTPS" => "Https",
            _ => https ? "Https" : "Http",
        };
        var sni = pool.Tls?.Sni is not null;
        return _probes.Add(AzureNames.Child("probe", pool.Id, pool.Id), () => new GatewayProbeProperties
        {
            Protocol = protocol,
            Host = sni ? null : "127.0.0.1",
            PickHostNameFromBackendHttpSettings = sni,
            Path = check.Path,
            Interval = check.IntervalSeconds,
            Timeout = check.TimeoutSeconds,
            UnhealthyThreshold = Math.Clamp(check.UnhealthyThreshold, 1, 20),
            Port = check.Port,
            Match = new ProbeMatch([.. check.SuccessCodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]),
        });
    }
}
