using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Build;

/// <summary>One of our Ingresses with its annotations parsed.</summary>
internal sealed record IngressInput(Ingress Ingress, ObjectRef Ref, AnnotationSettings Settings)
{
    public string Namespace => Ref.Namespace!;

    /// <summary>
    /// The written conflict rule: lower group-order, then older creationTimestamp (unknown counts
    /// as newest), then namespace/name. Earlier inputs win every claim.
    /// </summary>
    public static int ComparePrecedence(IngressInput a, IngressInput b)
    {
        var c = a.Settings.GroupOrder.CompareTo(b.Settings.GroupOrder);
        if (c != 0)
        {
            return c;
        }

        var ta = a.Ingress.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue;
        var tb = b.Ingress.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue;
        c = ta.CompareTo(tb);
        return c != 0 ? c : a.Ref.CompareTo(b.Ref);
    }
}
