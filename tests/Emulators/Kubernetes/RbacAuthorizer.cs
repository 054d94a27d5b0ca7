using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>What RBAC decides a resource request by: the verb, where the resource lives, and which object.</summary>
public sealed record ResourceAttributes(string Verb, string Group, string Resource, string? Subresource, string Namespace, string? Name)
{
    /// <summary>As the API server words a refusal: <c>cannot patch resource "services" in API group "" in the namespace "x"</c>.</summary>
    public override string ToString() =>
        $"cannot {Verb} resource \"{Resource}{(Subresource is null ? string.Empty : "/" + Subresource)}\" in API group \"{Group}\""
        + (Namespace.Length == 0 ? " at the cluster scope" : $" in the namespace \"{Namespace}\"") + (Name is null ? string.Empty : $" (name \"{Name}\")");
}

/// <summary>
/// RBAC as the API server evaluates it for one ServiceAccount: the rules of every ClusterRole a
/// ClusterRoleBinding binds it to apply everywhere; those of a Role or ClusterRole a RoleBinding
/// binds it to apply in the binding's namespace only. Rules only add; a rule with
/// <c>resourceNames</c> matches only requests that name one of them.
/// </summary>
public sealed class RbacAuthorizer
{
    private readonly List<(string? Namespace, JsonObject Rule)> _rules;

    private RbacAuthorizer(List<(string? Namespace, JsonObject Rule)> rules)
    {
        _rules = rules;
    }

    /// <summary>The rules <paramref name="objects"/> (roles and bindings, as manifests hold them) grant <c>system:serviceaccount:NS:NAME</c>.</summary>
    public static RbacAuthorizer ForServiceAccount(string ns, string name, IEnumerable<JsonObject> objects)
    {
        var all = objects.ToList();
        JsonObject? Role(string kind, string roleName, string? roleNamespace) => all.SingleOrDefault(o => (string?)o["kind"] == kind
            && (string?)o["metadata"]?["name"] == roleName && (kind == "ClusterRole" || (string?)o["metadata"]?["namespace"] == roleNamespace));

        var rules = new List<(string?, JsonObject)>();
        foreach (var binding in all.Where(o => (string?)o["kind"] is "ClusterRoleBinding" or "RoleBinding"))
        {
            var subjects = binding["subjects"]?.AsArray() ?? [];
            if (!subjects.Any(s => (string?)s?["kind"] == "ServiceAccount" && (string?)s["name"] == name && (string?)s["namespace"] == ns))
            {
                continue;
            }

            var scope = (string?)binding["kind"] == "RoleBinding" ? (string?)binding["metadata"]?["namespace"] ?? string.Empty : null;
            var role = Role((string)binding["roleRef"]!["kind"]!, (string)binding["roleRef"]!["name"]!, scope);
            foreach (var rule in role?["rules"]?.AsArray() ?? [])
            {
                rules.Add((scope, rule!.AsObject()));
            }
        }

        return new RbacAuthorizer(rules);
    }

    public bool Allows(ResourceAttributes request) => _rules.Any(r => (r.Namespace is null || r.Namespace == request.Namespace) && Matches(r.Rule, request));

    private static bool Matches(JsonObject rule, ResourceAttributes request)
    {
        var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        var names = Strings(rule, "resourceNames");
        return Strings(rule, "verbs").Any(v => v is "*" || v == request.Verb)
            && Strings(rule, "apiGroups").Any(g => g is "*" || g == request.Group)
            && Strings(rule, "resources").Any(r => r is "*" || r == resource)
            && (names.Count == 0 || (request.Name is not null && names.Contains(request.Name)));
    }

    private static List<string> Strings(JsonObject rule, string key) => [.. (rule[key]?.AsArray() ?? []).Select(n => (string)n!)];
}
