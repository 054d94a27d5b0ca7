using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Build;

internal sealed partial class HttpFrontendAssembler
{
    /// <summary>Offload and bridge: TLS ends here, routing by host and path.</summary>
    private void AddTerminated(IngressInput input, IngressSpec spec, List<ListenerDraft> http, List<ListenerDraft> https)
    {
        var pool = PoolSettingsFor(input);
        var policy = PolicyFor(input);
        var redirectPort = input.Settings.SslRedirectPort;
        if (redirectPort is not null && https.Count == 0)
        {
            Diagnostics.Warning(DiagnosticCodes.SslRedirectWithoutTls, input.Ref, input.Settings.FieldOf(AnnotationCatalog.SslRedirectSetting),
                "ssl-redirect is set but this Ingress has no TLS (spec.tls or a certificate); requests are not redirected");
            redirectPort = null;
        }

        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            var ruleField = $"spec.rules[{i}]";
            if (!TryHost(input, rule.Host, ruleField + ".host", out var host, out var kind)
                || rule.Http?.Paths is not { Count: > 0 } paths
                || !ClaimHost(input, host, passthrough: false, ruleField + ".host"))
            {
                continue;
            }

            for (var j = 0; j < paths.Count; j++)
            {
                var field = $"{ruleField}.http.paths[{j}]";
                if (RouteFor(input, paths[j], pool, policy, $"{input.Ref.Key}:{i}:{j}", field) is not { } route)
                {
                    continue;
                }

                var plain = redirectPort is { } port ? route with { Action = RouteAction.RedirectToHttps(port), Policy = null } : route;
                AddRoute(input, http, host, kind, plain, field);
                AddRoute(input, https, host, kind, route, field);
            }
        }

        AddCertificates(input, spec, https);
        foreach (var listener in https)
        {
            listener.AddExternalCertificates(input.Settings.CertificateArns);
        }

        if (spec.DefaultBackend is not null
            && ResolveBackend(input, spec.DefaultBackend, pool, "spec.defaultBackend") is { } defaultPool)
        {
            SetDefault(input, defaultPool, redirectPort, "spec.defaultBackend");
        }
    }

    private Route? RouteFor(IngressInput input, HttpIngressPath path, PoolSettings pool, RoutePolicy? policy, string routeId, string field)
    {
        if (!Paths.TryParsePathType(path.PathType, out var kind))
        {
            Diagnostics.Error(DiagnosticCodes.InvalidPathType, input.Ref, field + ".pathType",
                $"\"{path.PathType}\" is not Exact, Prefix or ImplementationSpecific; this path is not served");
            return null;
        }

        var text = path.Path ?? (path.PathType == "ImplementationSpecific" ? "/" : null);
        if (!Paths.IsValid(text))
        {
            Diagnostics.Error(DiagnosticCodes.InvalidPath, input.Ref, field + ".path", text is null
                ? $"is required for pathType {path.PathType}; this path is not served"
                : $"\"{text}\" must be an absolute path without query, fragment or spaces; this path is not served");
            return null;
        }

        if (ResolveBackend(input, path.Backend, pool, field + ".backend") is not { } backend)
        {
            return null;
        }

        return new Route
        {
            Id = routeId,
            PathType = kind,
            Path = Paths.Normalize(text!, kind),
            Source = input.Ref,
            Action = RouteAction.Forward(backend),
            Policy = policy,
        };
    }

    private void AddRoute(IngressInput input, List<ListenerDraft> listeners, string host, HostMatchKind kind, Route route, string field)
    {
        foreach (var listener in listeners)
        {
            if (listener.TryAddRoute(host, kind, route) is not { } existing)
            {
                continue;
            }

            var message = existing.Source == input.Ref
                ? $"host \"{host}\" {route.PathType} {route.Path} appears twice in this Ingress; the first is used"
                : $"host \"{host}\" {route.PathType} {route.Path} is already served by {existing.Source}, which {Precedence}; this path is not served";
            Diagnostics.Error(DiagnosticCodes.RouteConflict, input.Ref, field, message);
        }
    }

    private void AddCertificates(IngressInput input, IngressSpec spec, List<ListenerDraft> https)
    {
        for (var k = 0; k < (spec.Tls?.Count ?? 0); k++)
        {
            var tls = spec.Tls![k];
            var field = $"spec.tls[{k}]";
            var hosts = new List<string>();
            for (var m = 0; m < (tls.Hosts?.Count ?? 0); m++)
            {
                if (TryHost(input, tls.Hosts![m], $"{field}.hosts[{m}]", out var host, out var kind) && kind != HostMatchKind.Any)
                {
                    hosts.Add(host);
                }
            }

            if (string.IsNullOrEmpty(tls.SecretName)
                || context.Certificates.Resolve(input.Namespace, tls.SecretName, hosts, input.Ref, field + ".secretName") is not { } certificate)
            {
                continue;
            }

            foreach (var listener in https)
            {
                foreach (var host in hosts.Count == 0 ? [null] : hosts.Cast<string?>())
                {
                    if (listener.TryAddCertificate(host, certificate.Id, input.Ref) is { } owner)
                    {
                        Diagnostics.Warning(DiagnosticCodes.CertificateConflict, input.Ref, field,
                            $"{(host is null ? "the default certificate" : $"host \"{host}\"")} already uses a certificate from {owner}, which {Precedence}");
                    }
                }
            }
        }
    }

    private PoolSettings PoolSettingsFor(IngressInput input)
    {
        var s = input.Settings;
        var protocol = s.BackendProtocol ?? (s.TlsMode == TlsMode.Bridge ? BackendProtocol.Https : BackendProtocol.Http);
        if (s.TlsMode == TlsMode.Bridge && protocol is BackendProtocol.Http or BackendProtocol.Grpc)
        {
            Diagnostics.Error(DiagnosticCodes.ProtocolConflict, input.Ref, input.Settings.FieldOf(AnnotationCatalog.BackendProtocolSetting),
                $"tls-mode bridge re-encrypts to the pods, so backend-protocol {protocol.ToString().ToUpperInvariant()} is read as its TLS form");
            protocol = protocol == BackendProtocol.Http ? BackendProtocol.Https : BackendProtocol.Grpcs;
        }

        var tls = protocol is BackendProtocol.Https or BackendProtocol.Grpcs;
        if (!tls && (s.BackendCaSecret is not null || s.BackendSni is not null))
        {
            Diagnostics.Warning(DiagnosticCodes.AnnotationNotApplicable, input.Ref, input.Settings.FieldOf(s.BackendCaSecret is not null ? AnnotationCatalog.BackendCaSecretSetting : AnnotationCatalog.BackendSniSetting),
                "backend TLS settings have no effect: the backend protocol is not HTTPS/GRPCS (set tls-mode: bridge)");
        }

        return new PoolSettings(protocol, s.LoadBalancing, s.HealthCheck, tls ? s.BackendSni : null, !tls || s.BackendTlsVerify,
            tls ? s.BackendCaSecret : null, s.ProxyProtocol, s.TargetType, s.ConnectTimeout);
    }

    private RoutePolicy? PolicyFor(IngressInput input)
    {
        var s = input.Settings;
        BasicAuthPolicy? auth = null;
        if (s.Auth is { } settings)
        {
            auth = new BasicAuthPolicy
            {
                Realm = settings.Realm,
                Secret = settings.SecretName is null ? null : new ObjectRef(Secret.KindValue, input.Namespace, settings.SecretName),
                Credentials = settings.SecretName is null
                    ? []
                    : context.Secrets.ReadHtpasswd(input.Namespace, settings.SecretName, input.Ref, input.Settings.FieldOf(AnnotationCatalog.AuthSecretSetting)),
            };
        }

        var policy = new RoutePolicy
        {
            SourceRanges = s.SourceRanges,
            BasicAuth = auth,
            RewriteTarget = s.RewriteTarget,
            RequestTimeout = s.RequestTimeout,
            MaxRequestBodyBytes = s.MaxRequestBodyBytes,
        };
        return policy == new RoutePolicy() ? null : policy;
    }

}
