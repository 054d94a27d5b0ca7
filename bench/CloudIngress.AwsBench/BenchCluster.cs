using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.AwsBench;

/// <summary>
/// The benchmark's cluster: Ingresses with one host, one path and a Service of their own with one
/// pod, spread round-robin over groups of about 75 (one ALB each, under its 100-rule quota, so an
/// added Ingress joins an existing ALB). The first Ingress of each group also serves HTTPS with
/// one wildcard TLS Secret, so a rotation is one certificate for every group.
/// </summary>
internal sealed record BenchCluster(int Ingresses)
{
    public const int PerGroup = 75;

    /// <summary>The Ingress that gets a second pod.</summary>
    public int ExtraPodOf { get; init; } = -1;

    /// <summary>Ingresses added after the first <see cref="Ingresses"/>, in the same groups.</summary>
    public int Added { get; init; }

    public int Deleted { get; init; } = -1;

    public required (string Certificate, string Key) Tls { get; init; }

    private int Groups => Math.Max(1, Ingresses / PerGroup);

    public ClusterSnapshot Snapshot()
    {
        var services = new List<Service>();
        var slices = new List<EndpointSlice>();
        var ingresses = new List<Ingress>();
        foreach (var i in Enumerable.Range(0, Ingresses + Added).Where(i => i != Deleted))
        {
            var name = "app" + i.ToString("D4", CultureInfo.InvariantCulture);
            services.Add(new Service
            {
                Metadata = new ObjectMeta { Name = name, Namespace = "default" },
                Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = IntOrString.FromNumber(8080) }] },
            });
            slices.Add(new EndpointSlice
            {
                Metadata = new ObjectMeta { Name = name + "-1", Namespace = "default", Labels = new Dictionary<string, string> { [EndpointSlice.ServiceNameLabel] = name } },
                Ports = [new EndpointPort { Name = "http", Port = 8080 }],
                Endpoints = [.. Pods(i).Select(a => new Endpoint { Addresses = [a], Conditions = new EndpointConditions { Ready = true } })],
            });
            ingresses.Add(Ingress(i, name));
        }

        var secret = new Secret
        {
            Metadata = new ObjectMeta { Name = "wildcard-tls", Namespace = "default" },
            Type = Secret.TlsType,
            Data = new Dictionary<string, string>
            {
                [Secret.TlsCertKey] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Tls.Certificate)),
                [Secret.TlsPrivateKeyKey] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Tls.Key)),
            },
        };
        return new ClusterSnapshot { Ingresses = ingresses, Services = services, EndpointSlices = slices, Secrets = [secret] };
    }

    /// <summary>A self-signed certificate for *.example.com, as PEM: each call is a new one, a rotation.</summary>
    public static (string Certificate, string Key) NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=*.example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("*.example.com");
        request.CertificateExtensions.Add(san.Build());
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (self.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    // Pod addresses inside the default VPC (172.31.0.0/16 on AWS and moto).
    private IEnumerable<string> Pods(int i)
    {
        yield return $"172.31.{(i / 250 + 100).ToString(CultureInfo.InvariantCulture)}.{(i % 250 + 1).ToString(CultureInfo.InvariantCulture)}";
        if (i == ExtraPodOf)
        {
            yield return $"172.31.{(i / 250 + 200).ToString(CultureInfo.InvariantCulture)}.{(i % 250 + 1).ToString(CultureInfo.InvariantCulture)}";
        }
    }

    private Ingress Ingress(int i, string name)
    {
        var host = name + ".example.com";
        var group = i % Groups;
        return new Ingress
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = "default",
                CreationTimestamp = DateTimeOffset.UnixEpoch.AddSeconds(i),
                Annotations = new Dictionary<string, string> { ["cloudingress.io/group"] = "g" + group.ToString(CultureInfo.InvariantCulture) },
            },
            Spec = new IngressSpec
            {
                IngressClassName = "cloudingress",
                Tls = i < Groups ? [new IngressTls { Hosts = [host], SecretName = "wildcard-tls" }] : null,
                Rules =
                [
                    new IngressRule
                    {
                        Host = host,
                        Http = new HttpIngressRuleValue
                        {
                            Paths = [new HttpIngressPath { Path = "/", PathType = "Prefix", Backend = new IngressBackend { Service = new IngressServiceBackend { Name = name, Port = new ServiceBackendPort { Number = 80 } } } }],
                        },
                    },
                ],
            },
        };
    }
}
