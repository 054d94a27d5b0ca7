using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Model;

/// <summary>The human-readable model that <c>plan</c> prints: frontends, listeners, routes, backends, certificates; and diagnostics.</summary>
public static class ModelText
{
    /// <summary>The model's resources, without its diagnostics (see <see cref="WriteDiagnostics"/>).</summary>
    public static void Write(GatewayModel model, TextWriter w)
    {
        if (model.Frontends.Count == 0)
        {
            w.WriteLine("No frontends: no Ingress of our class and no Service of type LoadBalancer of our class.");
        }

        foreach (var frontend in model.Frontends)
        {
            WriteFrontend(frontend, w);
        }

        if (model.Backends.Count > 0)
        {
            w.WriteLine("Backends");
            foreach (var pool in model.Backends)
            {
                w.WriteLine($"  {pool.Id}  {Describe(pool)}");
            }

            w.WriteLine();
        }

        if (model.Certificates.Count > 0)
        {
            w.WriteLine("Certificates");
            foreach (var c in model.Certificates)
            {
                w.WriteLine($"  {c.Id}  {c.Subject}  names: {string.Join(", ", c.DnsNames)}  expires {c.NotAfter:yyyy-MM-dd}  chain {c.ChainLength}  sha256 {c.Sha256[..16]}…");
            }

            w.WriteLine();
        }
    }

    private static void WriteFrontend(Frontend frontend, TextWriter w)
    {
        var scheme = frontend.Scheme == Core.Annotations.LoadBalancerScheme.Internal ? "internal" : "internet-facing";
        w.WriteLine($"Frontend {frontend.Id}  ({frontend.Kind}, {scheme})");
        w.WriteLine($"  members: {string.Join(", ", frontend.Members)}");
        if (frontend.Address is { } address)
        {
            w.WriteLine($"  address: pool={address.Pool ?? "-"} addresses={string.Join(",", address.Addresses)} sharing-key={address.SharingKey ?? "-"}");
        }

        if (frontend.SourceRanges is { } ranges)
        {
            w.WriteLine($"  allow: {(ranges.Count == 0 ? "nobody" : string.Join(", ", ranges))}");
        }

        foreach (var listener in frontend.Listeners)
        {
            WriteListener(listener, w);
        }

        w.WriteLine();
    }

    private static void WriteListener(Listener listener, TextWriter w)
    {
        if (listener.Backend is { } backend)
        {
            w.WriteLine($"  listener {listener.Protocol.ToString().ToUpperInvariant()} :{listener.Port} → {backend}");
            return;
        }

        w.WriteLine($"  listener {listener.Protocol.ToString().ToUpperInvariant()} :{listener.Port}");
        foreach (var sni in listener.Certificates)
        {
            w.WriteLine($"    certificate {sni.Host} → {sni.Certificate}");
        }

        if (listener.DefaultCertificate is { } defaultCertificate)
        {
            w.WriteLine($"    default certificate → {defaultCertificate}");
        }

        foreach (var arn in listener.ExternalCertificates)
        {
            w.WriteLine($"    certificate {arn}");
        }

        foreach (var passthrough in listener.Passthrough)
        {
            w.WriteLine($"    passthrough {passthrough.Host} → {passthrough.Backend}  [{passthrough.Source}]");
        }

        foreach (var host in listener.VirtualHosts)
        {
            w.WriteLine($"    host {host.Host}");
            foreach (var route in host.Routes)
            {
                w.WriteLine($"      {route.PathType,-6} {route.Path,-24} → {Describe(route.Action)}{Describe(route.Policy)}  [{route.Source}]");
            }
        }

        w.WriteLine($"    default → {(listener.DefaultAction is { } action ? Describe(action) : "404")}");
    }

    private static string Describe(RouteAction action) => action.Kind switch
    {
        RouteActionKind.Forward => string.Join(" + ", action.Backends!.Select(b => action.Backends!.Count > 1 ? $"{b.Backend} ({b.Weight}%)" : b.Backend))
            + (action.Canary is { } canary
                ? $"  canary {canary.Backend} {canary.Weight}%{(canary.Header is null ? string.Empty : $" or header {canary.Header}{(canary.HeaderValue is null ? string.Empty : "=" + canary.HeaderValue)}")}"
                : string.Empty),
        RouteActionKind.Redirect => $"redirect {action.StatusCode} {action.RedirectScheme}:{action.RedirectPort}",
        _ => $"respond {action.StatusCode}",
    };

    private static string Describe(RoutePolicy? policy)
    {
        if (policy is null)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        if (policy.SourceRanges is { } ranges)
        {
            parts.Add(ranges.Count == 0 ? "allow nobody" : "allow " + string.Join(",", ranges));
        }

        if (policy.BasicAuth is { } auth)
        {
            parts.Add($"basic auth {auth.Users} user(s)");
        }

        if (policy.RewriteTarget is { } rewrite)
        {
            parts.Add("rewrite " + rewrite);
        }

        if (policy.RequestTimeout is { } timeout)
        {
            parts.Add($"timeout {timeout.TotalSeconds}s");
        }

        if (policy.MaxRequestBodyBytes is { } size)
        {
            parts.Add($"max body {size}B");
        }

        return $"  ({string.Join("; ", parts)})";
    }

    private static string Describe(BackendPool pool)
    {
        var endpoints = pool.Endpoints.Count == 0
            ? "no ready endpoints (503)"
            : $"{pool.Endpoints.Count} endpoint(s): {string.Join(", ", pool.Endpoints.Take(5).Select(e => $"{e.Address}:{e.Port}"))}{(pool.Endpoints.Count > 5 ? ", …" : string.Empty)}";
        var tls = pool.Tls is { } t
            ? $"  tls verify={(t.Verify ? "on" : "off")}{(t.CaSecret is null ? string.Empty : $" ca={t.CaSecret.Key} ({t.CaCertificates})")}{(t.Sni is null ? string.Empty : " sni=" + t.Sni)}"
            : string.Empty;
        var health = pool.HealthCheck is { } hc
            ? $"  health {hc.Protocol ?? "traffic protocol"} {hc.Path} port {hc.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "traffic"} every {hc.IntervalSeconds}s expect {hc.SuccessCodes}"
            : string.Empty;
        return $"{pool.Protocol.ToString().ToUpperInvariant()}  {pool.LoadBalancing}{tls}{health}  {endpoints}";
    }

    public static void WriteDiagnostics(IReadOnlyList<Diagnostic> diagnostics, TextWriter w)
    {
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        w.WriteLine($"Diagnostics: {errors} error(s), {warnings} warning(s), {diagnostics.Count - errors - warnings} info");
        foreach (var d in diagnostics)
        {
            w.WriteLine($"  {d}");
        }
    }
}
