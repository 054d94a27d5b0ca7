using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Routing;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Resources;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>A host on a port: its listener, certificate, routing rule and path map.</summary>
internal sealed partial class GatewayBuilder
{
    /// <summary>Where one route sends requests: a pool with its settings, or a redirect.</summary>
    private sealed record Target(string? Pool, string? Settings, string? Redirect);

    private static string ListenerName(int port, string host) => AzureNames.Child("listener", $"{port}-{host}", $"{port}/{host}");

    private bool AddHost(Listener listener, VirtualHost host)
    {
        var https = listener.Protocol == ListenerProtocol.Https;
        string? certificate = null;
        if (https)
        {
            if (CertificateFor(listener, host.Host) is not { } tls)
            {
                Report(DiagnosticSeverity.Error, DiagnosticCodes.CertificateNotFound, host,
                    $"HTTPS port {Port(listener)} of host {host.Host} has no certificate: no TLS Secret covers it; the listener is not created");
                return false;
            }

            // The fingerprint is in the name: a GET never returns the PFX, so a new name is how a changed Secret shows.
            certificate = _certificates.Add(AzureNames.Child("cert", tls.Secret.Name, tls.Sha256), () => new SslCertificateProperties());
            _material[certificate] = new CertificateMaterial(tls.CertificatePem, tls.PrivateKeyPem);
        }

        var port = _ports.Add("port-" + Port(listener), () => new FrontendPortProperties(listener.Port));
        var name = _listeners.Add(ListenerName(listener.Port, host.Host), () => new HttpListenerProperties
        {
            FrontendIPConfiguration = new SubResource(FrontendIp),
            FrontendPort = Ref("frontendPorts", port),
            Protocol = https ? "Https" : "Http",
            HostName = host.Match == HostMatchKind.Exact ? host.Host : null,
            HostNames = host.Match == HostMatchKind.Wildcard ? [host.Host] : null,
            SslCertificate = certificate is null ? null : Ref("sslCertificates", certificate),
            RequireServerNameIndication = https && host.Match != HostMatchKind.Any ? true : null,
        });

        var routes = host.Routes.Select(r => (Route: r, Target: TargetOf(r, listener, host))).ToList();
        var priority = _rules.Count + 1;
        var ruleName = AzureNames.Child("rule", $"{Port(listener)}-{host.Host}", $"{listener.Port}/{host.Host}");
        var last = routes.Count > 0 && routes[^1].Route is { PathType: PathMatchKind.Prefix, Path: "/" } ? routes[^1].Target : null;
        var paths = last is null ? routes : routes[..^1];
        var fallback = last ?? DefaultTarget(listener.DefaultAction, listener, host);
        if (paths.Count == 0)
        {
            _rules.Add(ruleName, () => new RequestRoutingRuleProperties
            {
                RuleType = "Basic",
                Priority = priority,
                HttpListener = Ref("httpListeners", name),
                BackendAddressPool = fallback.Pool is null ? null : Ref("backendAddressPools", fallback.Pool),
                BackendHttpSettings = fallback.Settings is null ? null : Ref("backendHttpSettingsCollection", fallback.Settings),
                RedirectConfiguration = fallback.Redirect is null ? null : Ref("redirectConfigurations", fallback.Redirect),
            });
            return true;
        }

        if (paths.Count > _limits.PathRulesPerMap)
        {
            foreach (var source in paths.Skip(_limits.PathRulesPerMap).Select(p => p.Route.Source).Distinct())
            {
                _context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderQuotaExceeded, source,
                    $"host {host.Host} on port {Port(listener)} has more than {_limits.PathRulesPerMap} paths, the most a URL path map holds; the paths past it are not created");
            }

            paths = paths[.._limits.PathRulesPerMap];
        }

        var map = _maps.Add(AzureNames.Child("paths", $"{Port(listener)}-{host.Host}", $"{listener.Port}/{host.Host}"), () => new UrlPathMapProperties
        {
            DefaultBackendAddressPool = fallback.Pool is null ? null : Ref("backendAddressPools", fallback.Pool),
            DefaultBackendHttpSettings = fallback.Settings is null ? null : Ref("backendHttpSettingsCollection", fallback.Settings),
            DefaultRedirectConfiguration = fallback.Redirect is null ? null : Ref("redirectConfigurations", fallback.Redirect),
            PathRules = [.. paths.Select((p, i) => new Child<PathRuleProperties>(AzureNames.Child("path", p.Route.Path, $"{p.Route.Id}#{i}"), new PathRuleProperties
            {
                Paths = GatewayPaths(p.Route),
                BackendAddressPool = p.Target.Pool is null ? null : Ref("backendAddressPools", p.Target.Pool),
                BackendHttpSettings = p.Target.Settings is null ? null : Ref("backendHttpSettingsCollection", p.Target.Settings),
                RedirectConfiguration = p.Target.Redirect is null ? null : Ref("redirectConfigurations", p.Target.Redirect),
            }))],
        });
        _rules.Add(ruleName, () => new RequestRoutingRuleProperties
        {
            RuleType = "PathBasedRouting",
            Priority = priority,
            HttpListener = Ref("httpListeners", name),
            UrlPathMap = Ref("urlPathMaps", map),
        });
        return true;
    }

    /// <summary>Kubernetes Prefix <c>/a</c> matches <c>/a</c> and <c>/a/…</c>, never <c>/ab</c>: two gateway paths.</summary>
    private static IReadOnlyList<string> GatewayPaths(Route route) => route switch
    {
        { PathType: PathMatchKind.Exact } => [route.Path],
        { Path: "/" } => ["/*"],
        _ => [route.Path, route.Path + "/*"],
    };

    /// <summary>The host's own certificate, else a wildcard one that covers it, else the listener's default.</summary>
    private TlsCertificate? CertificateFor(Listener listener, string host)
    {
        var id = listener.Certificates.FirstOrDefault(c => string.Equals(c.Host, host, StringComparison.OrdinalIgnoreCase))?.Certificate
            ?? listener.Certificates.FirstOrDefault(c => c.Host.StartsWith("*.", StringComparison.Ordinal) && HostNames.Matches(c.Host, HostMatchKind.Wildcard, host))?.Certificate
            ?? listener.DefaultCertificate;
        return id is null ? null : _context.Certificate(id);
    }

    private Target TargetOf(Route route, Listener listener, VirtualHost host)
    {
        if (route.Path.AsSpan(0, route.Path.Length).IndexOfAny('*', '?') >= 0)
        {
            _context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, route.Source,
                $"path {route.Path} of {host.Host}: Application Gateway paths take * only as a final /*; the route answers 502");
            return Deny();
        }

        if (route.Policy is { } policy)
        {
            var refused = policy.SourceRanges is not null ? "a source allow list (it needs a WAF policy, which CloudIngress does not manage)"
                : policy.BasicAuth is not null ? "basic authentication"
                : policy.RewriteTarget is not null ? "rewrite-target"
                : null;
            if (refused is not null)
            {
                _context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, route.Source,
                    $"Application Gateway cannot enforce {refused} on {host.Host}{route.Path}; the route answers 502 from an empty pool instead of serving it unprotected");
                return Deny();
            }

            if (policy.MaxRequestBodyBytes is not null)
            {
                _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, route.Source,
                    "proxy-body-size has no effect on Application Gateway (request body limits belong to a WAF policy)");
            }
        }

        return route.Action.Kind switch
        {
            RouteActionKind.Forward => Forward(route.Action, route.Source, host, (int?)route.Policy?.RequestTimeout?.TotalSeconds),
            RouteActionKind.Redirect => Redirect(route.Action, route.Source, host),
            _ => Fixed(route.Action, route.Source),
        };
    }

    private Target DefaultTarget(RouteAction? action, Listener listener, VirtualHost host) => action switch
    {
        null => Deny(),
        { Kind: RouteActionKind.Forward } => Forward(action, _subject, host, null),
        { Kind: RouteActionKind.Redirect } => Redirect(action, _subject, host),
        _ => Fixed(action, _subject),
    };

    private Target Fixed(RouteAction action, ObjectRef source)
    {
        if (action.StatusCode != 404)
        {
            _context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source,
                $"Application Gateway has no fixed responses; requests that should get {action.StatusCode} get 502 from an empty pool");
        }

        return Deny();
    }

    private Target Redirect(RouteAction action, ObjectRef source, VirtualHost host)
    {
        var target = ListenerName(action.RedirectPort ?? 443, host.Host);
        if (!_listeners.Contains(target))
        {
            _context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, source,
                $"ssl-redirect of {host.Host} needs an HTTPS listener on port {action.RedirectPort ?? 443}, and there is none; requests get 502");
            return Deny();
        }

        var name = _redirects.Add(AzureNames.Child("redirect", host.Host, target), () => new RedirectConfigurationProperties
        {
            RedirectType = "Permanent",
            TargetListener = Ref("httpListeners", target),
            IncludePath = true,
            IncludeQueryString = true,
        });
        return new Target(null, null, name);
    }

    private Target Deny()
    {
        _pools.Add(DenyPool, () => new GatewayBackendAddressPoolProperties([]));
        _settings.Add(DenySettings, () => new BackendHttpSettingsProperties { Port = 80, Protocol = "Http" });
        return new Target(DenyPool, DenySettings, null);
    }
}
