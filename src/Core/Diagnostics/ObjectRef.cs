namespace CloudIngress.Core.Diagnostics;

/// <summary>Names a Kubernetes object: <c>Kind namespace/name</c>.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name) : IComparable<ObjectRef>
{
    public int CompareTo(ObjectRef? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byKind = string.CompareOrdinal(Kind, other.Kind);
        if (byKind != 0)
        {
            return byKind;
        }

        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary><c>namespace/name</c>, or just the name for cluster-scoped objects.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => Namespace is null ? Name : $"{Namespace}/{Name}";

    public override string ToString() => $"{Kind} {Key}";
}
