using CloudIngress.Core.Resources;
using k8s.Models;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// The package's models into Core's own types, at the Observe edge, so Core stays package-free.
/// Field by field, with each field's wire meaning: the package has already decoded the JSON, and
/// encoding it again to decode it into Core's types cost two more JSON passes per object (most of
/// an initial sync at scale). Names that repeat across thousands of cached objects (namespaces,
/// path types, protocols, label and annotation keys, Services a path points at) share one string
/// through <see cref="StringPool"/>. apiVersion and kind are Core's constants: a typed list holds
/// only its own kind. Tests hold this mapping to the JSON one, field for field.
/// </summary>
public static class CoreMapper
{
    public static Ingress Ingress(V1Ingress model) => new()
    {
        Metadata = Meta(model.Metadata),
        Spec = model.Spec is not { } spec ? null : new IngressSpec
        {
            IngressClassName = Pooled(spec.IngressClassName),
            DefaultBackend = Backend(spec.DefaultBackend),
            Tls = List(spec.Tls, t => new IngressTls { Hosts = Strings(t.Hosts), SecretName = t.SecretName }),
            Rules = List(spec.Rules, r => new IngressRule
            {
                Host = r.Host,
                Http = r.Http is not { } http ? null : new HttpIngressRuleValue
                {
                    Paths = List(http.Paths, p => new HttpIngressPath { Path = Pooled(p.Path), PathType = Pooled(p.PathType), Backend = Backend(p.Backend) }),
                },
            }),
        },
        Status = model.Status is not { } status ? null : new IngressStatus
        {
            LoadBalancer = status.LoadBalancer is not { } lb ? null : new LoadBalancerStatus
            {
                Ingress = List(lb.Ingress, i => new LoadBalancerIngress { Ip = i.Ip, Hostname = i.Hostname, Ports = List(i.Ports, p => Port(p.Port, p.Protocol, p.Error)) }),
            },
        },
    };

    public static IngressClass IngressClass(V1IngressClass model) => new()
    {
        Metadata = Meta(model.Metadata),
        Spec = model.Spec is not { } spec ? null : new IngressClassSpec
        {
            Controller = Pooled(spec.Controller),
            Parameters = spec.Parameters is not { } p ? null : new IngressClassParametersReference
            {
                ApiGroup = p.ApiGroup, Kind = p.Kind, Name = p.Name, Namespace = p.NamespaceProperty, Scope = p.Scope,
            },
        },
    };

    public static Service Service(V1Service model) => new()
    {
        Metadata = Meta(model.Metadata),
        Spec = model.Spec is not { } spec ? null : new ServiceSpec
        {
            Type = Pooled(spec.Type),
            Ports = List(spec.Ports, p => new ServicePort
            {
                Name = Pooled(p.Name),
                Protocol = Pooled(p.Protocol),
                AppProtocol = Pooled(p.AppProtocol),
                Port = p.Port,
                TargetPort = p.TargetPort is { Value: { } value } ? TargetPort(value) : null,
                NodePort = p.NodePort,
            }),
            Selector = Pairs(spec.Selector),
            ClusterIP = spec.ClusterIP,
            LoadBalancerClass = Pooled(spec.LoadBalancerClass),
            LoadBalancerIP = spec.LoadBalancerIP,
            LoadBalancerSourceRanges = Strings(spec.LoadBalancerSourceRanges),
            ExternalTrafficPolicy = Pooled(spec.ExternalTrafficPolicy),
            ExternalName = spec.ExternalName,
            IpFamilies = List(spec.IpFamilies, f => Pooled(f)!),
            IpFamilyPolicy = Pooled(spec.IpFamilyPolicy),
        },
        Status = model.Status is not { } status ? null : new ServiceStatus
        {
            LoadBalancer = status.LoadBalancer is not { } lb ? null : new LoadBalancerStatus
            {
                Ingress = List(lb.Ingress, i => new LoadBalancerIngress
                {
                    Ip = i.Ip, Hostname = i.Hostname, IpMode = Pooled(i.IpMode), Ports = List(i.Ports, p => Port(p.Port, p.Protocol, p.Error)),
                }),
            },
        },
    };

    public static EndpointSlice EndpointSlice(V1EndpointSlice model) => new()
    {
        Metadata = Meta(model.Metadata),
        AddressType = Pooled(model.AddressType),
        Endpoints = List(model.Endpoints, e => new Endpoint
        {
            Addresses = Strings(e.Addresses),
            Conditions = e.Conditions is not { } c ? null : new EndpointConditions { Ready = c.Ready, Serving = c.Serving, Terminating = c.Terminating },
            Hostname = e.Hostname,
            NodeName = Pooled(e.NodeName),
            Zone = Pooled(e.Zone),
            TargetRef = e.TargetRef is not { } r ? null : new ObjectReference
            {
                ApiVersion = Pooled(r.ApiVersion), Kind = Pooled(r.Kind), Namespace = Pooled(r.NamespaceProperty), Name = r.Name, Uid = r.Uid,
            },
        }),
        Ports = List(model.Ports, p => new EndpointPort { Name = Pooled(p.Name), Protocol = Pooled(p.Protocol), AppProtocol = Pooled(p.AppProtocol), Port = p.Port }),
    };

    public static Secret Secret(V1Secret model) => new()
    {
        Metadata = Meta(model.Metadata),
        Type = Pooled(model.Type),
        // Core keeps Secret data as it is on the wire: base64.
        Data = model.Data is null ? null : model.Data.ToDictionary(d => d.Key, d => d.Value is null ? string.Empty : Convert.ToBase64String(d.Value), StringComparer.Ordinal),
        StringData = model.StringData is null ? null : new Dictionary<string, string>(model.StringData, StringComparer.Ordinal),
        Immutable = model.Immutable,
    };

    private static ObjectMeta Meta(V1ObjectMeta? meta) => meta is null ? new ObjectMeta() : new ObjectMeta
    {
        Name = meta.Name,
        Namespace = Pooled(meta.NamespaceProperty),
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
        Generation = meta.Generation,
        CreationTimestamp = Time(meta.CreationTimestamp),
        DeletionTimestamp = Time(meta.DeletionTimestamp),
        Labels = Pairs(meta.Labels),
        Annotations = Pairs(meta.Annotations),
        Finalizers = List(meta.Finalizers, f => Pooled(f)!),
    };

    private static IngressBackend? Backend(V1IngressBackend? backend) => backend is null ? null : new IngressBackend
    {
        Service = backend.Service is not { } s ? null : new IngressServiceBackend
        {
            Name = Pooled(s.Name),
            Port = s.Port is not { } p ? null : new ServiceBackendPort { Name = Pooled(p.Name), Number = p.Number },
        },
        Resource = backend.Resource is not { } r ? null : new TypedLocalObjectReference { ApiGroup = Pooled(r.ApiGroup), Kind = Pooled(r.Kind), Name = r.Name },
    };

    private static PortStatus Port(int port, string? protocol, string? error) => new() { Port = port, Protocol = Pooled(protocol), Error = error };

    /// <summary>The package keeps an IntOrString as text; a number on the wire is one that parses (the package writes it back as a number too).</summary>
    private static Core.Resources.IntOrString TargetPort(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? Core.Resources.IntOrString.FromNumber(number)
            : Core.Resources.IntOrString.FromText(Pooled(value)!);

    /// <summary>The package decodes RFC 3339 times to UTC <see cref="DateTime"/>s.</summary>
    private static DateTimeOffset? Time(DateTime? time) => time is not { } t ? null
        : t.Kind == DateTimeKind.Local ? new DateTimeOffset(t).ToUniversalTime() : new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static string? Pooled(string? value) => StringPool.Shared.Get(value);

    private static List<T>? List<TModel, T>(IList<TModel>? items, Func<TModel, T> map)
    {
        if (items is null)
        {
            return null;
        }

        var list = new List<T>(items.Count);
        foreach (var item in items)
        {
            list.Add(map(item));
        }

        return list;
    }

    private static List<string>? Strings(IList<string>? items) => items is null ? null : [.. items];

    /// <summary>Label and annotation keys repeat, and so do most values (app=…, the Service-name label); long ones (a last-applied configuration) stay out of the pool by their length.</summary>
    private static Dictionary<string, string>? Pairs(IDictionary<string, string>? pairs) =>
        pairs?.ToDictionary(p => Pooled(p.Key)!, p => Pooled(p.Value)!, StringComparer.Ordinal);
}
