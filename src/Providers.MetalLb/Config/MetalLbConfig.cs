using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Providers.MetalLb.Config;

/// <summary>
/// Pools as code (<c>--metallb-config FILE</c>): IPAddressPool, L2Advertisement and
/// BGPAdvertisement documents, the objects the controller applies with its owner label. Objects
/// without a namespace go to MetalLB's.
/// </summary>
public sealed record MetalLbConfig
{
    public static readonly MetalLbConfig None = new();

    public IReadOnlyList<IPAddressPool> Pools { get; init; } = [];

    public IReadOnlyList<L2Advertisement> L2Advertisements { get; init; } = [];

    public IReadOnlyList<BGPAdvertisement> BGPAdvertisements { get; init; } = [];

    /// <summary>Reads and checks the file; the error names the file, the document, the object and the field.</summary>
    public static (MetalLbConfig? Config, string? Error) Load(string path, string poolNamespace)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"--metallb-config: {e.Message}");
        }

        return Parse(text, path, poolNamespace);
    }

    /// <summary>Pure: the text of the file named <paramref name="name"/>.</summary>
    public static (MetalLbConfig? Config, string? Error) Parse(string text, string name, string poolNamespace)
    {
        var collector = new ManifestCollector(poolNamespace);
        collector.AddText(text, name);
        var set = collector.Build();
        var snapshot = set.Snapshot;
        var problems = set.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var foreign = snapshot.Ingresses.Cast<IKubernetesObject>().Concat(snapshot.IngressClasses).Concat(snapshot.Services)
            .Concat(snapshot.EndpointSlices).Concat(snapshot.Secrets).Concat(snapshot.Namespaces)
            .Select(o => set.Locate(new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.ManifestInvalid, ObjectRefs.For(o), null,
                "only IPAddressPool, L2Advertisement and BGPAdvertisement belong in --metallb-config")));
        problems.AddRange(foreign);
        if (problems.Count == 0 && snapshot.AddressPools.Count + snapshot.L2Advertisements.Count + snapshot.BGPAdvertisements.Count == 0)
        {
            return (null, $"--metallb-config {name}: declares no IPAddressPool, L2Advertisement or BGPAdvertisement");
        }

        var bag = new DiagnosticBag();
        PoolReader.Read(snapshot.AddressPools, new Dictionary<string, IReadOnlyDictionary<string, string>>(), bag);
        problems.AddRange(bag.ToSortedList().Where(d => d.Severity == DiagnosticSeverity.Error).Select(set.Locate));
        if (problems.Count > 0)
        {
            return (null, "--metallb-config: " + string.Join("; ", problems.Select(Describe)));
        }

        return (new MetalLbConfig
        {
            Pools = snapshot.AddressPools,
            L2Advertisements = snapshot.L2Advertisements,
            BGPAdvertisements = snapshot.BGPAdvertisements,
        }, null);
    }

    private static string Describe(Diagnostic d) =>
        $"{d.Source ?? "?"}: {d.Object}{(d.Field is null ? string.Empty : " " + d.Field)}: {d.Message}";
}
