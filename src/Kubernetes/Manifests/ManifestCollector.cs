using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace CloudIngress.Kubernetes.Manifests;

/// <summary>
/// Reads manifest texts (YAML multi-document or JSON, single objects or Lists) into one snapshot.
/// Kinds we do not consume are skipped; a broken document becomes a diagnostic naming file,
/// document, object and field, and the rest still loads.
/// </summary>
/// <param name="defaultNamespace">Where namespaced objects without a namespace go: "default", as with kubectl, unless the caller knows better.</param>
public sealed partial class ManifestCollector(string defaultNamespace = ObjectRefs.DefaultNamespace)
{
    private readonly List<IKubernetesObject> _objects = [];
    private readonly Dictionary<ObjectRef, string> _sources = [];
    private readonly DiagnosticBag _diagnostics = new();
    private int _files;

    public void AddText(string text, string sourceName)
    {
        _files++;
        if (sourceName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            AddJson(text, sourceName);
            return;
        }

        foreach (var document in YamlDocuments.Split(text))
        {
            var source = $"{sourceName}, document {document.Index}";
            JsonNode? node;
            try
            {
                node = YamlDocuments.ToJson(document.Text);
            }
            catch (YamlException e)
            {
                var line = e.Start.Line + document.FirstLine - 1;
                Invalid(new ObjectRef("Manifest", null, sourceName), $"{source}, line {line}",
                    "is not valid YAML: " + YamlPositionPrefix().Replace(e.Message, string.Empty));
                continue;
            }

            AddNode(node, source);
        }
    }

    public ManifestSet Build() => new()
    {
        Snapshot = new ClusterSnapshot
        {
            Ingresses = _objects.OfType<Ingress>().ToList(),
            IngressClasses = _objects.OfType<IngressClass>().ToList(),
            Services = _objects.OfType<Service>().ToList(),
            EndpointSlices = _objects.OfType<EndpointSlice>().ToList(),
            Secrets = _objects.OfType<Secret>().ToList(),
            Namespaces = _objects.OfType<Namespace>().ToList(),
            AddressPools = _objects.OfType<IPAddressPool>().ToList(),
            L2Advertisements = _objects.OfType<L2Advertisement>().ToList(),
            BGPAdvertisements = _objects.OfType<BGPAdvertisement>().ToList(),
        },
        Diagnostics = _diagnostics.ToSortedList(),
        Sources = new Dictionary<ObjectRef, string>(_sources),
        FileCount = _files,
    };

    private void AddJson(string text, string sourceName)
    {
        try
        {
            AddNode(JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }), sourceName);
        }
        catch (JsonException e)
        {
            Invalid(new ObjectRef("Manifest", null, sourceName), $"{sourceName}, line {e.LineNumber + 1}", "is not valid JSON");
        }
    }

    private void AddNode(JsonNode? node, string source)
    {
        if (node is not JsonObject obj)
        {
            Invalid(new ObjectRef("Manifest", null, source), source, "is not a Kubernetes object (expected a mapping with apiVersion and kind)");
            return;
        }

        var apiVersion = Text(obj["apiVersion"]);
        var kind = Text(obj["kind"]);
        var name = Text(obj["metadata"]?["name"]);
        var ns = Text(obj["metadata"]?["namespace"]);
        if (kind is not null && kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                AddNode(items[i], $"{source}, items[{i}]");
            }

            return;
        }

        var owner = new ObjectRef(kind ?? "Manifest", IsClusterScoped(kind) ? null : ns ?? defaultNamespace, name ?? "(unnamed)");
        if (apiVersion is null || kind is null)
        {
            Invalid(owner, source, "needs apiVersion and kind");
            return;
        }

        if (ResourceTypes.Find(apiVersion, kind) is not { } typeInfo)
        {
            if (ResourceTypes.IsKnownKind(kind))
            {
                _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.UnsupportedApiVersion, owner, "apiVersion",
                    $"{apiVersion} is not supported for {kind}; use {ResourceTypes.ApiVersionFor(kind)}") { Source = source });
            }

            return; // a kind we do not consume (Deployment, ConfigMap, ...): not ours to judge
        }

        if (string.IsNullOrEmpty(name))
        {
            Invalid(owner, source, "needs metadata.name");
            return;
        }

        IKubernetesObject resource;
        try
        {
            resource = ResourceTypes.Deserialize(obj, typeInfo);
        }
        catch (JsonException e)
        {
            // Secret values never appear in messages, even misplaced ones.
            Invalid(owner, source, TypeErrorDescriber.Describe(e, obj, typeInfo, revealValues: kind != Secret.KindValue));
            return;
        }

        Add(WithNamespace(resource), owner, source);
    }

    private void Add(IKubernetesObject resource, ObjectRef owner, string source)
    {
        if (!_sources.TryAdd(owner, source))
        {
            _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.DuplicateObject, owner, null,
                $"is also defined in {_sources[owner]}; that one is used") { Source = source });
            return;
        }

        _objects.Add(resource);
    }

    /// <summary>Namespaced objects without a namespace go to the default namespace, as kubectl apply would put them.</summary>
    private IKubernetesObject WithNamespace(IKubernetesObject resource)
    {
        if (IsClusterScoped(resource.Kind) || resource.Metadata.Namespace is not null)
        {
            return resource;
        }

        var metadata = resource.Metadata with { Namespace = defaultNamespace };
        return resource switch
        {
            Ingress i => i with { Metadata = metadata },
            Service s => s with { Metadata = metadata },
            EndpointSlice e => e with { Metadata = metadata },
            Secret s => s with { Metadata = metadata },
            IPAddressPool p => p with { Metadata = metadata },
            L2Advertisement a => a with { Metadata = metadata },
            BGPAdvertisement a => a with { Metadata = metadata },
            _ => resource,
        };
    }

    private static bool IsClusterScoped(string? kind) => kind is IngressClass.KindValue or Namespace.KindValue;

    private void Invalid(ObjectRef owner, string source, string message) =>
        _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.ManifestInvalid, owner, null, message) { Source = source });

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex YamlPositionPrefix();
}
