using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Build;

/// <summary>Services of type LoadBalancer of our class become L4 frontends: one TCP/UDP listener per port.</summary>
internal sealed class ServiceFrontendBuilder(BuildContext context)
{
    public const string LegacySourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges";

    /// <summary>Ours and to be served: one being deleted contributes nothing, its cloud side is torn down.</summary>
    public bool IsOurs(Service service) =>
        ServiceClassFilter.IsLoadBalancer(service)
        && service.Metadata.DeletionTimestamp is null
        && ServiceClassFilter.Judge(service, context.Options).IsOurs;

    public Frontend? Build(Service service)
    {
        var owner = ObjectRefs.For(service);
        var settings = AnnotationParser.Parse(service.Metadata.Annotations, owner, AnnotationScope.Service, context.Diagnostics);
        var ports = service.Spec?.Ports ?? [];
        if (ports.Count == 0)
        {
            context.Diagnostics.Error(DiagnosticCodes.ServiceNoPorts, owner, "spec.ports",
                "a Service of type LoadBalancer needs at least one port; no load balancer is made");
            return null;
        }

        var listeners = new SortedDictionary<(int, ListenerProtocol), Listener>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var field = $"spec.ports[{i}]";
            var protocol = (port.Protocol ?? "TCP") switch
            {
                "TCP" => (ListenerProtocol?)ListenerProtocol.Tcp,
                "UDP" => ListenerProtocol.Udp,
                _ => null,
            };
            if (protocol is null)
            {
                context.Diagnostics.Error(DiagnosticCodes.UnsupportedProtocol, owner, field + ".protocol",
                    $"protocol {port.Protocol} is not supported (TCP or UDP); this port is not exposed");
                continue;
            }

            var pool = new PoolSettings(protocol == ListenerProtocol.Tcp ? BackendProtocol.Tcp : BackendProtocol.Udp,
                HealthCheck: settings.HealthCheck, ProxyProtocol: settings.ProxyProtocol, TargetType: settings.TargetType);
            var backend = context.Backends.ForServicePort(service, port, pool, owner, field);
            listeners[(port.Port, protocol.Value)] = new Listener { Port = port.Port, Protocol = protocol.Value, Backend = backend };
        }

        return new Frontend
        {
            Id = $"service/{owner.Key}",
            Kind = FrontendKind.L4,
            Name = owner.Key,
            Scheme = settings.Scheme,
            Members = [owner],
            Listeners = [.. listeners.Values],
            Address = AddressFor(service, settings),
            SourceRanges = SourceRangesFor(service, settings, owner),
            ExternalTrafficPolicy = service.Spec?.ExternalTrafficPolicy,
        };
    }

    private static AddressRequest? AddressFor(Service service, AnnotationSettings settings)
    {
        var addresses = settings.LoadBalancerIps.ToList();
        if (service.Spec?.LoadBalancerIP is { Length: > 0 } legacy && !addresses.Contains(legacy))
        {
            addresses.Add(legacy);
        }

        return settings.AddressPool is null && addresses.Count == 0 && settings.AllowSharedIp is null
            ? null
            : new AddressRequest { Pool = settings.AddressPool, Addresses = addresses, SharingKey = settings.AllowSharedIp };
    }

    /// <summary><c>spec.loadBalancerSourceRanges</c> wins over the annotations, as in Kubernetes.</summary>
    private IReadOnlyList<string>? SourceRangesFor(Service service, AnnotationSettings settings, ObjectRef owner)
    {
        if (service.Spec?.LoadBalancerSourceRanges is not { Count: > 0 } ranges)
        {
            return settings.SourceRanges;
        }

        if (settings.SourceRanges is not null)
        {
            context.Diagnostics.Info(DiagnosticCodes.AnnotationConflict, owner, settings.FieldOf(AnnotationCatalog.SourceRangeSetting),
                "ignored: spec.loadBalancerSourceRanges is set and takes precedence");
        }

        var result = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ValueParsers.TryParseCidr(ranges[i].Trim(), out var cidr, out _))
            {
                result.Add(cidr);
            }
            else
            {
                context.Diagnostics.Error(DiagnosticCodes.InvalidAnnotation, owner, $"spec.loadBalancerSourceRanges[{i}]",
                    $"\"{ranges[i]}\" is not a CIDR; it is ignored");
            }
        }

        if (result.Count == 0)
        {
            context.Diagnostics.Error(DiagnosticCodes.SourceRangeDeniesAll, owner, "spec.loadBalancerSourceRanges",
                "no valid source range is left: all traffic is refused until it is fixed");
        }

        return [.. result];
    }
}
