using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using System.Globalization;

namespace CloudIngress.Core.Build;

/// <summary>
/// Service reference → Service port → EndpointSlice port → ready endpoints. A missing Service,
/// port or endpoint is a diagnostic on the referring object; the pool still exists (empty) so the
/// route answers 503 rather than vanishing.
/// </summary>
internal sealed class BackendResolver(SnapshotIndex index, DiagnosticBag diagnostics)
{
    private readonly SortedDictionary<string, BackendPool> _pools = new(StringComparer.Ordinal);

    // Problems found when a pool was first built, replayed for every later referrer.
    private readonly Dictionary<string, List<Problem>> _problems =
        new(StringComparer.Ordinal);

    public IReadOnlyList<BackendPool> Pools => [.. _pools.Values];

    /// <summary>The pool for an Ingress backend, or null when the reference itself is malformed.</summary>
    public string? ForIngress(string ns, IngressServiceBackend? backend, PoolSettings settings, ObjectRef owner, string field, string? caField = null)
    {
        var port = backend?.Port;
        if (string.IsNullOrEmpty(backend?.Name) || port is null || (port.Number is null && string.IsNullOrEmpty(port.Name)))
        {
            diagnostics.Error(DiagnosticCodes.InvalidBackend, owner, field, "needs service.name and service.port (number or name)");
            return null;
        }

        var service = index.FindService(ns, backend.Name);
        var servicePort = service?.Spec?.Ports?.FirstOrDefault(p =>
            port.Number is { } n ? p.Port == n : string.Equals(p.Name, port.Name, StringComparison.Ordinal));
        var portText = servicePort?.Port.ToString(CultureInfo.InvariantCulture)
            ?? port.Number?.ToString(CultureInfo.InvariantCulture) ?? port.Name!;
        var id = settings.PoolId(SnapshotIndex.Key(ns, backend.Name), portText);
        if (!_pools.ContainsKey(id))
        {
            var problems = new List<Problem>();
            _pools[id] = Build(id, ns, backend.Name, service, servicePort, portText, port.Number, settings, owner, problems, caField);
            _problems[id] = problems;
        }

        foreach (var problem in _problems[id])
        {
            diagnostics.Add(new Diagnostic(problem.Severity, problem.Code, owner, problem.Field ?? field, problem.Message));
        }

        return id;
    }

    /// <summary>The pool behind one port of a Service of type LoadBalancer.</summary>
    public string ForServicePort(Service service, ServicePort servicePort, PoolSettings settings, ObjectRef owner, string field)
    {
        var portText = servicePort.Port.ToString(CultureInfo.InvariantCulture);
        var id = settings.PoolId(owner.Key, portText);
        var problems = new List<Problem>();
        _pools[id] = Build(id, owner.Namespace!, owner.Name, service, servicePort, portText, servicePort.Port, settings, owner, problems, null);
        foreach (var problem in problems)
        {
            diagnostics.Add(new Diagnostic(problem.Severity, problem.Code, owner, problem.Field ?? field, problem.Message));
        }

        return id;
    }

    private BackendPool Build(string id, string ns, string name, Service? service, ServicePort? servicePort, string portText,
        int? portNumber, PoolSettings settings, ObjectRef owner, List<Problem> problems, string? caField)
    {
        var pool = new BackendPool
        {
            Id = id,
            Service = new ObjectRef(Service.KindValue, ns, name),
            Port = portText,
            Protocol = settings.Protocol,
            LoadBalancing = settings.LoadBalancing,
            HealthCheck = settings.HealthCheck,
            ProxyProtocol = settings.ProxyProtocol,
            TargetType = settings.TargetType,
            ConnectTimeout = settings.ConnectTimeout,
            NodePort = servicePort?.NodePort,
            Tls = settings.UsesTls ? UpstreamTlsFor(ns, settings, owner, problems, caField ?? CaField) : null,
        };

        if (service is null)
        {
            problems.Add(new Problem(DiagnosticSeverity.Error, DiagnosticCodes.ServiceNotFound,
                $"Service \"{name}\" not found in namespace \"{ns}\"; requests get 503"));
            return pool;
        }

        if (string.Equals(service.Spec?.Type, "ExternalName", StringComparison.Ordinal))
        {
            return ExternalName(pool, service, servicePort?.Port ?? portNumber, problems);
        }

        if (servicePort is null)
        {
            problems.Add(new Problem(DiagnosticSeverity.Error, DiagnosticCodes.ServicePortNotFound,
                $"Service \"{name}\" has no port {portText}; requests get 503"));
            return pool;
        }

        var endpoints = ReadyEndpoints(ns, name, service, servicePort);
        if (endpoints.Count == 0)
        {
            problems.Add(new Problem(DiagnosticSeverity.Warning, DiagnosticCodes.NoReadyEndpoints,
                $"Service \"{name}\" port {portText} has no ready endpoints; requests get 503"));
        }

        return pool with { Endpoints = endpoints };
    }

    private static BackendPool ExternalName(BackendPool pool, Service service, int? port,
        List<Problem> problems)
    {
        var host = service.Spec?.ExternalName?.TrimEnd('.').ToLowerInvariant();
        if (host is null || !Annotations.ValueParsers.IsDnsSubdomain(host))
        {
            problems.Add(new Problem(DiagnosticSeverity.Error, DiagnosticCodes.InvalidExternalName,
                $"ExternalName Service \"{service.Metadata.Name}\" has no valid spec.externalName; requests get 503"));
            return pool with { ExternalName = true };
        }

        if (port is null)
        {
            problems.Add(new Problem(DiagnosticSeverity.Error, DiagnosticCodes.ServicePortNotFound,
                $"ExternalName Service \"{service.Metadata.Name}\" has no port named {pool.Port}; requests get 503"));
            return pool with { ExternalName = true };
        }

        return pool with { ExternalName = true, Endpoints = [new BackendEndpoint(host, port.Value)] };
    }

    /// <summary>
    /// Slices name their ports after the Service port (not the target port); a Service with a
    /// single port also matches a slice with a single port, whatever the names.
    /// </summary>
    private List<BackendEndpoint> ReadyEndpoints(string ns, string name, Service service, ServicePort servicePort)
    {
        var single = service.Spec?.Ports?.Count == 1;
        // Slices may list the same endpoint twice; the first (slices in name order) is kept.
        var result = new Dictionary<(string, int), BackendEndpoint>();
        foreach (var slice in index.SlicesFor(ns, name))
        {
            var ports = slice.Ports ?? [];
            var match = ports.FirstOrDefault(p => string.Equals(p.Name ?? string.Empty, servicePort.Name ?? string.Empty, StringComparison.Ordinal))
                ?? (single && ports.Count == 1 ? ports[0] : null);
            if (match?.Port is not { } port)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // Unknown readiness counts as ready; terminating endpoints are not ready.
                if (endpoint.Conditions?.Ready == false || endpoint.Addresses is not [var address, ..])
                {
                    continue;
                }

                result.TryAdd((address, port), new BackendEndpoint(address, port) { NodeName = endpoint.NodeName, Zone = endpoint.Zone });
            }
        }

        return result.Values.OrderBy(e => e.Address, StringComparer.Ordinal).ThenBy(e => e.Port).ToList();
    }

    private UpstreamTls UpstreamTlsFor(string ns, PoolSettings settings, ObjectRef owner, List<Problem> problems, string caField)
    {
        var tls = new UpstreamTls { Sni = settings.TlsSni, Verify = settings.TlsVerify };
        if (settings.CaSecret is null)
        {
            return tls;
        }

        var found = new DiagnosticBag();
        var (pem, count) = new SecretReaders(index, found).ReadCaBundle(ns, settings.CaSecret, owner, caField);
        problems.AddRange(found.ToSortedList().Select(d => new Problem(d.Severity, d.Code, d.Message, d.Field)));
        return tls with { CaSecret = new ObjectRef(Secret.KindValue, ns, settings.CaSecret), CaPem = pem, CaCertificates = count };
    }

    private static readonly string CaField =
        $"metadata.annotations[{Annotations.AnnotationCatalog.Get(Annotations.AnnotationCatalog.BackendCaSecretSetting).PrimaryKey}]";

    /// <summary>A finding about a pool, replayed for every referrer; Field null means the referrer's backend field.</summary>
    private sealed record Problem(DiagnosticSeverity Severity, string Code, string Message, string? Field = null);
}
