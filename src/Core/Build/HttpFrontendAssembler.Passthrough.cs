using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Build;

internal sealed partial class HttpFrontendAssembler
{
    /// <summary>
    /// Passthrough: the proxy never sees plaintext, so it routes by SNI host only. Each host gets
    /// one backend (the path "/" one, else the first); other paths are reported and ignored.
    /// </summary>
    private void AddPassthrough(IngressInput input, IngressSpec spec, List<ListenerDraft> http, List<ListenerDraft> https)
    {
        var s = input.Settings;
        if (https.Count == 0)
        {
            Diagnostics.Error(DiagnosticCodes.ListenerConflict, input.Ref, input.Settings.FieldOf(AnnotationCatalog.ListenPortsSetting),
                "tls-mode passthrough needs an HTTPS listen port; nothing is served");
            return;
        }

        if (spec.Tls is { Count: > 0 })
        {
            Diagnostics.Info(DiagnosticCodes.PassthroughTlsIgnored, input.Ref, "spec.tls",
                "is not used in passthrough mode: the pods terminate TLS with their own certificate");
        }

        if (s.Auth is not null || s.RewriteTarget is not null)
        {
            Diagnostics.Warning(DiagnosticCodes.AnnotationNotApplicable, input.Ref, null,
                "auth and rewrite-target need the request, which passthrough never decrypts; they have no effect");
        }

        var pool = new PoolSettings(BackendProtocol.Tcp, s.LoadBalancing, s.HealthCheck, ProxyProtocol: s.ProxyProtocol,
            TargetType: s.TargetType, ConnectTimeout: s.ConnectTimeout);
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            var field = $"spec.rules[{i}]";
            if (!TryHost(input, rule.Host, field + ".host", out var host, out var kind)
                || rule.Http?.Paths is not { Count: > 0 } paths)
            {
                continue;
            }

            var chosen = paths.Select((p, j) => (Path: p, Index: j)).FirstOrDefault(p => p.Path.Path is null or "/");
            if (chosen.Path is null)
            {
                chosen = (paths[0], 0);
            }

            if (paths.Count > 1 || (paths[0].Path ?? "/") != "/")
            {
                Diagnostics.Warning(DiagnosticCodes.PassthroughPathsIgnored, input.Ref, field + ".http.paths",
                    $"passthrough routes by host only; every request for \"{host}\" goes to the backend of paths[{chosen.Index}]");
            }

            if (!ClaimHost(input, host, passthrough: true, field + ".host")
                || ResolveBackend(input, chosen.Path.Backend, pool, $"{field}.http.paths[{chosen.Index}].backend") is not { } backend)
            {
                continue;
            }

            AddPassthroughHost(input, https, new PassthroughRoute(host, backend, input.Ref) { SourceRanges = s.SourceRanges }, field);
            if (s.SslRedirectPort is { } port)
            {
                var redirect = new Route
                {
                    Id = $"{input.Ref.Key}:{i}:redirect",
                    PathType = PathMatchKind.Prefix,
                    Path = "/",
                    Source = input.Ref,
                    Action = RouteAction.RedirectToHttps(port),
                };
                AddRoute(input, http, host, kind, redirect, field);
            }
        }

        if (spec.DefaultBackend is not null && ClaimHost(input, HostNames.AnyHost, passthrough: true, "spec.defaultBackend")
            && ResolveBackend(input, spec.DefaultBackend, pool, "spec.defaultBackend") is { } fallback)
        {
            AddPassthroughHost(input, https, new PassthroughRoute(HostNames.AnyHost, fallback, input.Ref) { SourceRanges = s.SourceRanges },
                "spec.defaultBackend");
        }
    }

    private void AddPassthroughHost(IngressInput input, List<ListenerDraft> https, PassthroughRoute route, string field)
    {
        foreach (var listener in https)
        {
            if (listener.TryAddPassthrough(route) is { } existing && existing.Source != input.Ref)
            {
                Diagnostics.Error(DiagnosticCodes.PassthroughBackendConflict, input.Ref, field,
                    $"host \"{route.Host}\" is already passed through to a backend of {existing.Source}, which {Precedence}");
            }
        }
    }

    /// <summary>
    /// A canary adds its backend to the routes of the primary Ingress with the same host and path;
    /// it never creates routes of its own.
    /// </summary>
    private void AddCanary(IngressInput input, IngressSpec spec, CanarySettings canary)
    {
        var pool = PoolSettingsFor(input);
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            if (!TryHost(input, rule.Host, $"spec.rules[{i}].host", out var host, out _))
            {
                continue;
            }

            for (var j = 0; j < (rule.Http?.Paths?.Count ?? 0); j++)
            {
                var field = $"spec.rules[{i}].http.paths[{j}]";
                if (RouteFor(input, rule.Http!.Paths![j], pool, null, $"{input.Ref.Key}:{i}:{j}", field) is { } route)
                {
                    AttachCanary(input, host, route, canary, field);
                }
            }
        }

        if (spec.DefaultBackend is not null)
        {
            Diagnostics.Warning(DiagnosticCodes.AnnotationNotApplicable, input.Ref, "spec.defaultBackend",
                "a canary Ingress only splits the traffic of matching primary routes; its defaultBackend is not used");
        }
    }

    private void AttachCanary(IngressInput input, string host, Route canaryRoute, CanarySettings canary, string field)
    {
        var backend = canaryRoute.Action.Backends![0].Backend;
        var attached = false;
        foreach (var listener in _listeners.Values)
        {
            if (listener.FindRoute(host, canaryRoute.PathType, canaryRoute.Path) is not { Action.Kind: RouteActionKind.Forward } primary)
            {
                continue;
            }

            attached = true;
            if (primary.Action.Canary is { } existing && existing.Source != input.Ref)
            {
                Diagnostics.Error(DiagnosticCodes.CanaryConflict, input.Ref, field,
                    $"the route for host \"{host}\" {canaryRoute.Path} already has the canary {existing.Source}; only one canary per route");
                continue;
            }

            var rule = new CanaryRule(backend, canary.Weight, canary.Header, canary.HeaderValue, input.Ref);
            listener.ReplaceRoute(host, primary with { Action = primary.Action with { Canary = rule } });
        }

        if (!attached)
        {
            Diagnostics.Warning(DiagnosticCodes.CanaryWithoutPrimary, input.Ref, field,
                $"no primary Ingress in group \"{name}\" serves host \"{host}\" {canaryRoute.PathType} {canaryRoute.Path}; the canary is not used");
        }
    }
}
