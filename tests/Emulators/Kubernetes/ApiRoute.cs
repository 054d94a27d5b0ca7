namespace CloudIngress.Emulators.Kubernetes;

/// <summary>
/// A request path taken apart: <c>/api/v1[/namespaces/NS]/PLURAL[/NAME[/status]]</c> or
/// <c>/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/status]]</c>.
/// </summary>
public sealed record ApiRoute(ApiResource Resource, string Namespace, string? Name, bool Status)
{
    public static ApiRoute? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        int rest;
        string group;
        string version;
        if (parts is ["api", var v, ..])
        {
            (group, version, rest) = (string.Empty, v, 2);
        }
        else if (parts is ["apis", var g, var v2, ..])
        {
            (group, version, rest) = (g, v2, 3);
        }
        else
        {
            return null;
        }

        var tail = parts[rest..];
        var ns = string.Empty;
        // "namespaces/NS/PLURAL..." is a namespaced path; "namespaces[/NAME]" is the Namespace resource itself.
        if (tail is ["namespaces", var n, _, ..])
        {
            ns = n;
            tail = tail[2..];
        }

        if (tail.Length is 0 or > 3 || (tail.Length == 3 && tail[2] != "status"))
        {
            return null;
        }

        var resource = ApiResource.All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == tail[0]);
        if (resource is null || (!resource.Namespaced && ns.Length > 0) || (resource.Namespaced && ns.Length == 0 && tail.Length > 1))
        {
            return null;
        }

        return new ApiRoute(resource, ns, tail.Length > 1 ? tail[1] : null, tail.Length == 3);
    }
}
