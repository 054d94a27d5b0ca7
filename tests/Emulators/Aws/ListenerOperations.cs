using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>ELBv2 listeners and their certificates.</summary>
internal sealed class ListenerOperations(AwsState state, RuleParts parts)
{
    private const int MaxListeners = 50;
    private const int MaxCertificates = 25;

    public IEnumerable<XElement?> Create(QueryParams p)
    {
        var lb = state.LoadBalancer(p.Required("LoadBalancerArn"));
        var protocol = Protocol(p, lb) ?? p.Required("Protocol");
        var port = p.RequiredInt("Port", 1, 65535);
        var certificates = Certificates(p, protocol, null);
        var sslPolicy = SslPolicy(p, protocol, null);
        var actions = parts.Actions(p.Structs("DefaultActions"), lb, protocol);
        var tags = ElbV2Names.Tags(p);
        var siblings = state.Listeners.Values.Where(l => l.LoadBalancerArn == lb.Arn).ToList();
        if (siblings.FirstOrDefault(l => l.Port == port) is { } existing)
        {
            // CreateListener is idempotent: the same settings again answer with the existing listener.
            var same = existing.Protocol == protocol && existing.SslPolicy == sslPolicy && existing.Certificates.Take(1).SequenceEqual(certificates)
                && existing.DefaultActions.SequenceEqual(actions, ActionComparer.Instance);
            return same
                ? [Members("Listeners", [ElbV2Xml.Listener(existing)])]
                : throw new AwsError("DuplicateListener", $"A listener already exists on port {port} of '{lb.Arn}'");
        }

        if (siblings.Count >= MaxListeners)
        {
            throw new AwsError("TooManyListeners", $"A load balancer can have at most {MaxListeners} listeners");
        }

        var arn = lb.Arn.Replace(":loadbalancer/", ":listener/", StringComparison.Ordinal) + "/" + AwsState.Hex(16);
        var listener = new Listener(arn, lb.Arn, protocol, port, sslPolicy, certificates, actions, RuleOperations.NewArn(arn));
        state.Listeners[arn] = listener;
        state.AddTags(arn, tags);
        return [Members("Listeners", [ElbV2Xml.Listener(listener)])];
    }

    public IEnumerable<XElement?> Describe(QueryParams p)
    {
        var lbArn = p.Get("LoadBalancerArn");
        var arns = p.List("ListenerArns");
        if ((lbArn is null) == (arns.Count == 0))
        {
            throw new AwsError("ValidationError", "You must specify either listener ARNs or a load balancer ARN");
        }

        var found = lbArn is not null
            ? state.Listeners.Values.Where(l => l.LoadBalancerArn == state.LoadBalancer(lbArn).Arn).ToList()
            : arns.Select(state.Listener).ToList();
        var (page, next) = Paging.Take(found, p.Get("Marker"), p.Int("PageSize", 1, 400), state.Options.PageSize, "ValidationError");
        return [Members("Listeners", page.Select(ElbV2Xml.Listener)), Opt("NextMarker", next)];
    }

    public IEnumerable<XElement?> Modify(QueryParams p)
    {
        var listener = state.Listener(p.Required("ListenerArn"));
        var lb = state.LoadBalancers[listener.LoadBalancerArn];
        var protocol = Protocol(p, lb) ?? listener.Protocol;
        var port = p.Int("Port", 1, 65535) ?? listener.Port;
        if (port != listener.Port && state.Listeners.Values.Any(l => l.LoadBalancerArn == lb.Arn && l.Port == port))
        {
            throw new AwsError("DuplicateListener", $"A listener already exists on port {port} of '{lb.Arn}'");
        }

        var certificates = Certificates(p, protocol, listener);
        var actions = p.Has("DefaultActions") ? parts.Actions(p.Structs("DefaultActions"), lb, protocol) : listener.DefaultActions;
        var next = listener with { Protocol = protocol, Port = port, SslPolicy = SslPolicy(p, protocol, listener), Certificates = certificates, DefaultActions = actions };
        state.Listeners[listener.Arn] = next;
        return [Members("Listeners", [ElbV2Xml.Listener(next)])];
    }

    public IEnumerable<XElement?> Delete(QueryParams p)
    {
        Remove(state, state.Listener(p.Required("ListenerArn")));
        return [];
    }

    public IEnumerable<XElement?> AddCertificates(QueryParams p)
    {
        var listener = state.Listener(p.Required("ListenerArn"));
        var added = CertificateArns(p);
        var next = listener.Certificates.Concat(added.Where(a => !listener.Certificates.Contains(a))).ToList();
        if (next.Count > MaxCertificates + 1)
        {
            throw new AwsError("TooManyCertificates", $"A listener can have at most {MaxCertificates} certificates besides its default one");
        }

        state.Listeners[listener.Arn] = listener with { Certificates = next };
        return [Members("Certificates", added.Select(a => new object[] { E("CertificateArn", a), E("IsDefault", false) }))];
    }

    public IEnumerable<XElement?> RemoveCertificates(QueryParams p)
    {
        var listener = state.Listener(p.Required("ListenerArn"));
        var removed = p.Structs("Certificates").Select(c => c.Required("CertificateArn")).ToList();
        if (listener.Certificates.Count > 0 && removed.Contains(listener.Certificates[0]))
        {
            throw new AwsError("OperationNotPermitted", "The default certificate of a listener cannot be removed");
        }

        state.Listeners[listener.Arn] = listener with { Certificates = listener.Certificates.Where(c => !removed.Contains(c)).ToList() };
        return [];
    }

    public IEnumerable<XElement?> DescribeCertificates(QueryParams p)
    {
        var listener = state.Listener(p.Required("ListenerArn"));
        var (page, next) = Paging.Take(listener.Certificates.Select((arn, i) => (arn, i == 0)).ToList(), p.Get("Marker"), p.Int("PageSize", 1, 400), state.Options.PageSize, "ValidationError");
        return [Members("Certificates", page.Select(c => new object[] { E("CertificateArn", c.arn), E("IsDefault", c.Item2) })), Opt("NextMarker", next)];
    }

    /// <summary>Takes a listener, its rules and their tags away.</summary>
    public static void Remove(AwsState state, Listener listener)
    {
        foreach (var rule in state.Rules.Values.Where(r => r.ListenerArn == listener.Arn).ToList())
        {
            state.Rules.Remove(rule.Arn);
            state.Tags.Remove(rule.Arn);
        }

        state.Listeners.Remove(listener.Arn);
        state.Tags.Remove(listener.Arn);
    }

    private static string? Protocol(QueryParams p, LoadBalancer lb)
    {
        var protocol = p.OneOf("Protocol", "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP");
        var suits = protocol is null || (lb.Type == "application" ? protocol is "HTTP" or "HTTPS" : protocol is "TCP" or "TLS" or "UDP" or "TCP_UDP");
        return suits ? protocol : throw new AwsError("IncompatibleProtocols", $"Protocol '{protocol}' is not supported by {lb.Type} load balancers");
    }

    private static bool Secure(string protocol) => protocol is "HTTPS" or "TLS";

    private static string? SslPolicy(QueryParams p, string protocol, Listener? current)
    {
        var policy = p.Get("SslPolicy");
        if (!Secure(protocol))
        {
            return policy is null ? null : throw new AwsError("ValidationError", $"An SSL policy cannot be specified for {protocol} listeners");
        }

        return policy ?? current?.SslPolicy ?? "ELBSecurityPolicy-2016-08";
    }

    /// <summary>The listener's certificates: the default one first (one may be given), the extra ones kept.</summary>
    private List<string> Certificates(QueryParams p, string protocol, Listener? current)
    {
        var given = p.Has("Certificates") ? CertificateArns(p) : [];
        if (!Secure(protocol))
        {
            return given.Count == 0 ? [] : throw new AwsError("ValidationError", $"Certificates cannot be specified for {protocol} listeners");
        }

        if (given.Count > 1)
        {
            throw new AwsError("TooManyCertificates", "Only one default certificate can be specified; add more with AddListenerCertificates");
        }

        var extra = current?.Certificates.Skip(1) ?? [];
        var defaultCertificate = given.Count == 1 ? given[0] : current?.Certificates.FirstOrDefault()
            ?? throw new AwsError("ValidationError", $"A default certificate must be specified for {protocol} listeners");
        return [defaultCertificate, .. extra.Where(c => c != defaultCertificate)];
    }

    private List<string> CertificateArns(QueryParams p)
    {
        var arns = p.Structs("Certificates").Select(c => c.Required("CertificateArn")).ToList();
        if (arns.Count == 0)
        {
            throw p.Missing("Certificates");
        }

        foreach (var arn in arns)
        {
            if (!state.Certificates.TryGetValue(arn, out var certificate) || certificate.StatusAt(state.Now) != "ISSUED")
            {
                throw new AwsError("CertificateNotFound", $"Certificate '{arn}' not found");
            }
        }

        return arns;
    }
}
