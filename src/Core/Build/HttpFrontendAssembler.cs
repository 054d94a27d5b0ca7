using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Build;

/// <summary>
/// Merges the Ingresses of one group into one frontend. Inputs arrive in precedence order, so
/// every "first claim wins" below implements the written conflict rule.
/// </summary>
internal sealed partial class HttpFrontendAssembler(string id, string name, LoadBalancerScheme scheme, BuildContext context)
{
    private const string Precedence = "takes precedence (lower group-order, then older creationTimestamp, then namespace/name)";

    private readonly SortedDictionary<int, ListenerDraft> _listeners = [];
    private readonly Dictionary<string, (bool Passthrough, ObjectRef Owner)> _hostModes = new(StringComparer.Ordinal);
    private readonly List<ObjectRef> _members = [];
    private (string Backend, int? RedirectPort, ObjectRef Owner)? _defaultBackend;
    private (AddressRequest Request, ObjectRef Owner)? _address;

    public LoadBalancerScheme Scheme => scheme;

    private DiagnosticBag Diagnostics => context.Diagnostics;

    public void Add(IngressInput input)
    {
        _members.Add(input.Ref);
        var spec = input.Ingress.Spec ?? new IngressSpec();
        if ((spec.Rules is null || spec.Rules.Count == 0) && spec.DefaultBackend is null)
        {
            Diagnostics.Error(DiagnosticCodes.NoRules, input.Ref, "spec", "has neither rules nor a defaultBackend; nothing is served");
            return;
        }

        ClaimAddress(input);
        var (http, https) = ListenersFor(input, spec);
        if (input.Settings.Canary is { } canary)
        {
            AddCanary(input, spec, canary);
        }
        else if (input.Settings.TlsMode == TlsMode.Passthrough)
        {
            AddPassthrough(input, spec, http, https);
        }
        else
        {
            AddTerminated(input, spec, http, https);
        }
    }

    public Frontend Build()
    {
        // The default backend is the group's: every HTTP(S) listener falls back to it, including
        // listeners that other Ingresses of the group brought.
        if (_defaultBackend is { } fallback)
        {
            foreach (var listener in _listeners.Values)
            {
                var action = !listener.Https && fallback.RedirectPort is { } port
                    ? RouteAction.RedirectToHttps(port)
                    : RouteAction.Forward(fallback.Backend);
                listener.TrySetDefault(action, fallback.Owner);
            }
        }

        return new Frontend
        {
            Id = id,
            Kind = FrontendKind.Http,
            Name = name,
            Scheme = scheme,
            Members = _members,
            Listeners = _listeners.Values.Select(l => l.Build()).ToList(),
            Address = _address?.Request,
        };
    }

    /// <summary>The group's own pool, addresses or sharing key (bare metal): the first member that asks sets it.</summary>
    private void ClaimAddress(IngressInput input)
    {
        var s = input.Settings;
        if (s.AddressPool is null && s.LoadBalancerIps.Count == 0 && s.AllowSharedIp is null)
        {
            return;
        }

        var request = new AddressRequest { Pool = s.AddressPool, Addresses = s.LoadBalancerIps, SharingKey = s.AllowSharedIp };
        if (_address is not { } first)
        {
            _address = (request, input.Ref);
            return;
        }

        if (Describe(first.Request) != Describe(request))
        {
            var setting = s.AddressPool is not null ? AnnotationCatalog.AddressPoolSetting
                : s.LoadBalancerIps.Count > 0 ? AnnotationCatalog.LoadBalancerIpsSetting : AnnotationCatalog.AllowSharedIpSetting;
            Diagnostics.Error(DiagnosticCodes.AddressRequestConflict, input.Ref, s.FieldOf(setting),
                $"group \"{name}\" already asks for {Describe(first.Request)} ({first.Owner} {Precedence}); this Ingress's request ({Describe(request)}) is ignored");
        }
    }

    private static string Describe(AddressRequest r) =>
        $"pool {r.Pool ?? "(any)"}, addresses {(r.Addresses.Count == 0 ? "(any)" : string.Join(",", r.Addresses))}, sharing key {r.SharingKey ?? "(none)"}";

    /// <summary>
    /// HTTP:80 always, HTTPS:443 when the Ingress has TLS (spec.tls, certificate ARNs or
    /// passthrough); <c>listen-ports</c> replaces both.
    /// </summary>
    private (List<ListenerDraft> Http, List<ListenerDraft> Https) ListenersFor(IngressInput input, IngressSpec spec)
    {
        var s = input.Settings;
        var wantsTls = spec.Tls is { Count: > 0 } || s.CertificateArns.Count > 0 || s.TlsMode == TlsMode.Passthrough;
        var ports = s.ListenPorts
            ?? (wantsTls ? [new ListenPort(false, 80), new ListenPort(true, AnnotationParser.DefaultHttpsPort)] : [new ListenPort(false, 80)]);
        var http = new List<ListenerDraft>();
        var https = new List<ListenerDraft>();
        foreach (var port in ports)
        {
            if (!_listeners.TryGetValue(port.Port, out var draft))
            {
                _listeners[port.Port] = draft = new ListenerDraft(port.Port, port.Https);
            }
            else if (draft.Https != port.Https)
            {
                Diagnostics.Error(DiagnosticCodes.ListenerConflict, input.Ref, null,
                    $"port {port.Port} is already an {(draft.Https ? "HTTPS" : "HTTP")} listener of group \"{name}\"; this Ingress is not served on it");
                continue;
            }

            (port.Https ? https : http).Add(draft);
        }

        return (http, https);
    }

    private bool ClaimHost(IngressInput input, string host, bool passthrough, string field)
    {
        if (!_hostModes.TryGetValue(host, out var claim))
        {
            _hostModes[host] = (passthrough, input.Ref);
            return true;
        }

        if (claim.Passthrough == passthrough)
        {
            return true;
        }

        Diagnostics.Error(DiagnosticCodes.TlsModeConflict, input.Ref, field,
            $"host \"{host}\" is {(claim.Passthrough ? "passed through" : "terminated")} by {claim.Owner}, which {Precedence}; this rule is not served");
        return false;
    }

    private bool TryHost(IngressInput input, string? host, string field, out string key, out HostMatchKind kind)
    {
        key = string.IsNullOrEmpty(host) ? HostNames.AnyHost : host;
        if (HostNames.TryClassify(host, out kind, out var error))
        {
            return true;
        }

        Diagnostics.Error(DiagnosticCodes.InvalidHost, input.Ref, field, $"\"{host}\": {error}; this rule is not served");
        return false;
    }

    private string? ResolveBackend(IngressInput input, IngressBackend? backend, PoolSettings settings, string field)
    {
        if (backend?.Resource is not null)
        {
            Diagnostics.Error(DiagnosticCodes.ResourceBackendUnsupported, input.Ref, field + ".resource",
                "resource backends are not supported; use a Service backend");
            return null;
        }

        return context.Backends.ForIngress(input.Namespace, backend?.Service, settings, input.Ref, field + ".service",
            input.Settings.FieldOf(AnnotationCatalog.BackendCaSecretSetting));
    }

    private void SetDefault(IngressInput input, string backend, int? redirectPort, string field)
    {
        if (_defaultBackend is { } existing)
        {
            Diagnostics.Error(DiagnosticCodes.DefaultBackendConflict, input.Ref, field,
                $"group \"{name}\" already has the default backend of {existing.Owner}, which {Precedence}");
            return;
        }

        _defaultBackend = (backend, redirectPort, input.Ref);
    }
}
