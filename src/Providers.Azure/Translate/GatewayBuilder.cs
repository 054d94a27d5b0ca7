using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Resources;
using System.Globalization;
using System.Text.Json;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>
/// One ingress group as one Application Gateway v2: a listener per host and port (multi-site),
/// a routing rule per listener with a unique priority (exact hosts, then wildcards, then the
/// catch-all), a URL path map in Kubernetes precedence, pools of pod IPs, and settings and
/// probes from annotations.
/// </summary>
internal sealed partial class GatewayBuilder
{
    private const string DenyPool = "pool-deny";
    private const string DenySettings = "settings-deny";

    private readonly TranslateContext _context;
    private readonly Frontend _frontend;
    private readonly ObjectRef _subject;
    private readonly AzureLimits _limits;
    private readonly ChildSet<FrontendPortProperties> _ports;
    private readonly ChildSet<SslCertificateProperties> _certificates;
    private readonly ChildSet<TrustedRootCertificateProperties> _roots;
    private readonly ChildSet<GatewayBackendAddressPoolProperties> _pools;
    private readonly ChildSet<BackendHttpSettingsProperties> _settings;
    private readonly ChildSet<GatewayProbeProperties> _probes;
    private readonly ChildSet<HttpListenerProperties> _listeners;
    private readonly ChildSet<UrlPathMapProperties> _maps;
    private readonly ChildSet<RequestRoutingRuleProperties> _rules;
    private readonly ChildSet<RedirectConfigurationProperties> _redirects;
    private readonly Dictionary<string, CertificateMaterial> _material = new(StringComparer.Ordinal);

    public GatewayBuilder(TranslateContext context, Frontend frontend)
    {
        _context = context;
        _frontend = frontend;
        _subject = frontend.Members.FirstOrDefault() ?? new ObjectRef("Ingress", null, frontend.Name);
        _limits = context.Options.Limits;
        Key = "agw/" + frontend.Id;
        Name = AzureNames.Gateway(context.Options.ClusterName, Key);
        Id = context.Options.ResourceId("applicationGateways", Name);
        _ports = new(_limits.FrontendPorts);
        _certificates = new(_limits.SslCertificates);
        _roots = new(_limits.TrustedRootCertificates);
        _pools = new(_limits.BackendPools);
        _settings = new(_limits.BackendSettings);
        _probes = new(int.MaxValue);
        _listeners = new(_limits.Listeners);
        _maps = new(int.MaxValue);
        _rules = new(_limits.RoutingRules);
        _redirects = new(_limits.RedirectConfigurations);
    }

    public string Key { get; }

    public string Name { get; }

    public string Id { get; }

    private bool Internal => _frontend.Scheme == Core.Annotations.LoadBalancerScheme.Internal;

    private string FrontendIp => Child("frontendIPConfigurations", Internal ? "fe-private" : "fe-public");

    /// <summary>The gateway, or null when the group has no HTTP(S) host to serve.</summary>
    public DesiredResource? Build(string publicIpId)
    {
        var hosts = _frontend.Listeners
            .Where(l => l.Protocol is ListenerProtocol.Http or ListenerProtocol.Https)
            .SelectMany(l => l.VirtualHosts.Select(v => (Listener: l, Host: v)))
            .OrderBy(x => x.Host.Match switch { HostMatchKind.Exact => 0, HostMatchKind.Wildcard => 1, _ => 2 })
            .ThenByDescending(x => x.Host.Host.Length).ThenBy(x => x.Host.Host, StringComparer.Ordinal)
            .ThenBy(x => x.Listener.Protocol == ListenerProtocol.Https ? 0 : 1).ThenBy(x => x.Listener.Port)
            .ToList();
        foreach (var (listener, host) in hosts)
        {
            Mark();
            if (!AddHost(listener, host))
            {
                Rollback();
            }
            else if (Exceeded() is { } what)
            {
                Rollback();
                Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderQuotaExceeded, host,
                    $"host {host.Host} on port {Port(listener)} does not fit on Application Gateway {Name}: more than {what}; it is not served");
            }
        }

        if (_listeners.Count == 0)
        {
            return null;
        }

        foreach (var (name, material) in _material.Where(m => _certificates.Contains(m.Key)))
        {
            _context.Material[name] = material;
        }

        var options = _context.Options;
        var waf = options.GatewaySku == "WAF_v2";
        var gateway = new ApplicationGateway
        {
            Location = options.Location,
            Tags = AzureTags.For(options.ClusterName, _frontend.Id, Key),
            Properties = new ApplicationGatewayProperties
            {
                Sku = new ApplicationGatewaySku(options.GatewaySku, options.GatewaySku),
                AutoscaleConfiguration = new ApplicationGatewayAutoscaleConfiguration(options.MinCapacity, options.MaxCapacity),
                EnableHttp2 = true,
                WebApplicationFirewallConfiguration = waf ? new WebApplicationFirewallConfiguration(true, "Prevention", "OWASP", "3.2") : null,
                GatewayIPConfigurations = [new("gateway-ip", new GatewayIPConfigurationProperties(new SubResource(options.GatewaySubnet)))],
                FrontendIPConfigurations =
                [
                    Internal
                        ? new("fe-private", new GatewayFrontendIPConfigurationProperties { PrivateIPAllocationMethod = "Dynamic", Subnet = new SubResource(options.GatewaySubnet) })
                        : new("fe-public", new GatewayFrontendIPConfigurationProperties { PublicIPAddress = new SubResource(publicIpId) }),
                ],
                FrontendPorts = _ports.Items,
                SslCertificates = _certificates.Items,
                TrustedRootCertificates = _roots.Items,
                Probes = _probes.Items,
                BackendAddressPools = _pools.Items,
                BackendHttpSettingsCollection = _settings.Items,
                HttpListeners = _listeners.Items,
                UrlPathMaps = _maps.Items,
                RequestRoutingRules = _rules.Items,
                RedirectConfigurations = _redirects.Items,
            },
        };
        return new DesiredResource
        {
            Kind = AzureKind.Gateway,
            Name = Name,
            Id = Id,
            Key = Key,
            FrontendId = _frontend.Id,
            PublicIpId = Internal ? null : publicIpId,
            Body = JsonSerializer.SerializeToNode(gateway, ArmJsonContext.Default.ApplicationGateway)!.AsObject(),
        };
    }

    private string Child(string collection, string name) => $"{Id}/{collection}/{name}";

    private SubResource Ref(string collection, string name) => new(Child(collection, name));

    private static string Port(Listener listener) => listener.Port.ToString(CultureInfo.InvariantCulture);

    private void Report(DiagnosticSeverity severity, string code, VirtualHost host, string message)
    {
        foreach (var source in host.Routes.Select(r => r.Source).DefaultIfEmpty(_subject).Distinct())
        {
            _context.Report(severity, code, source, message);
        }
    }

    private void Mark()
    {
        _ports.Mark(); _certificates.Mark(); _roots.Mark(); _pools.Mark(); _settings.Mark(); _probes.Mark();
        _listeners.Mark(); _maps.Mark(); _rules.Mark(); _redirects.Mark();
    }

    private void Rollback()
    {
        _ports.Rollback(); _certificates.Rollback(); _roots.Rollback(); _pools.Rollback(); _settings.Rollback(); _probes.Rollback();
        _listeners.Rollback(); _maps.Rollback(); _rules.Rollback(); _redirects.Rollback();
    }

    private string? Exceeded() =>
        _listeners.OverLimit ? $"{_limits.Listeners} listeners"
        : _rules.OverLimit ? $"{_limits.RoutingRules} routing rules"
        : _certificates.OverLimit ? $"{_limits.SslCertificates} SSL certificates"
        : _pools.OverLimit ? $"{_limits.BackendPools} backend pools"
        : _settings.OverLimit ? $"{_limits.BackendSettings} backend settings"
        : _ports.OverLimit ? $"{_limits.FrontendPorts} frontend ports"
        : _roots.OverLimit ? $"{_limits.TrustedRootCertificates} trusted root certificates"
        : _redirects.OverLimit ? $"{_limits.RedirectConfigurations} redirect configurations"
        : null;
}
