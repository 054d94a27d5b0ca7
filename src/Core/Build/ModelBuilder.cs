using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Build;

/// <summary>
/// The Build stage: <c>ClusterSnapshot → GatewayModel</c>. Pure and deterministic: no IO, no
/// clock (time comes in the options), output independent of input order. It never throws on
/// input; whatever is wrong becomes a diagnostic on the object responsible.
/// </summary>
public static class ModelBuilder
{
    public static GatewayModel Build(ClusterSnapshot snapshot, BuildOptions? options = null)
    {
        options ??= BuildOptions.Default;
        var diagnostics = new DiagnosticBag();
        var context = new BuildContext(new SnapshotIndex(snapshot, diagnostics), options, diagnostics);

        var frontends = new List<Frontend>();
        foreach (var assembler in AssembleGroups(SelectIngresses(snapshot, context), context).Values)
        {
            frontends.Add(assembler.Build());
        }

        var services = new ServiceFrontendBuilder(context);
        foreach (var service in snapshot.Services.Where(services.IsOurs).DistinctBy(s => ObjectRefs.For(s)))
        {
            if (services.Build(service) is { } frontend)
            {
                frontends.Add(frontend);
            }
        }

        frontends.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new GatewayModel
        {
            Frontends = frontends,
            Backends = Referenced(context.Backends.Pools, frontends),
            Certificates = context.Certificates.Used.Where(c => frontends
                .SelectMany(f => f.Listeners)
                .Any(l => l.DefaultCertificate == c.Id || l.Certificates.Any(sni => sni.Certificate == c.Id))).ToList(),
            Diagnostics = diagnostics.ToSortedList(),
        };
    }

    private static List<IngressInput> SelectIngresses(ClusterSnapshot snapshot, BuildContext context)
    {
        var filter = new IngressClassFilter(context.Index, context.Options);
        var seen = new HashSet<ObjectRef>();
        var inputs = new List<IngressInput>();
        foreach (var ingress in snapshot.Ingresses)
        {
            var owner = ObjectRefs.For(ingress);
            if (!seen.Add(owner))
            {
                context.Diagnostics.Error(DiagnosticCodes.DuplicateObject, owner, null, "appears more than once; the first one is used");
                continue;
            }

            // Being deleted: its cloud side is torn down, the finalizer then lets it go.
            if (ingress.Metadata.DeletionTimestamp is not null || !filter.IsOurs(ingress, owner, context.Diagnostics))
            {
                continue;
            }

            var settings = AnnotationParser.Parse(ingress.Metadata.Annotations, owner, AnnotationScope.Ingress, context.Diagnostics);
            inputs.Add(new IngressInput(ingress, owner, settings));
        }

        inputs.Sort(IngressInput.ComparePrecedence);
        return inputs;
    }

    /// <summary>
    /// Explicit groups share a frontend; a member with another scheme than the group's first is
    /// refused. Ingresses without a group share the default group of their scheme.
    /// </summary>
    private static SortedDictionary<string, HttpFrontendAssembler> AssembleGroups(List<IngressInput> inputs, BuildContext context)
    {
        var groups = new SortedDictionary<string, HttpFrontendAssembler>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var s = input.Settings;
            var group = s.Group
                ?? (s.Scheme == LoadBalancerScheme.Internal ? context.Options.DefaultGroup + "-internal" : context.Options.DefaultGroup);
            if (!groups.TryGetValue(group, out var assembler))
            {
                groups[group] = assembler = new HttpFrontendAssembler($"ingress/{group}", group, s.Scheme, context);
            }
            else if (assembler.Scheme != s.Scheme)
            {
                context.Diagnostics.Error(DiagnosticCodes.GroupSchemeConflict, input.Ref, s.FieldOf(AnnotationCatalog.SchemeSetting),
                    $"group \"{group}\" is {Scheme(assembler.Scheme)} but this Ingress asks for {Scheme(s.Scheme)}; it is not served");
                continue;
            }

            assembler.Add(input);
        }

        return groups;
    }

    /// <summary>
    /// Pools resolved for routes that then lost a conflict are dropped: a provider must not create
    /// target groups nothing sends traffic to.
    /// </summary>
    private static List<BackendPool> Referenced(IReadOnlyList<BackendPool> pools, List<Frontend> frontends)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in frontends.SelectMany(f => f.Listeners))
        {
            if (listener.Backend is { } backend)
            {
                used.Add(backend);
            }

            used.UnionWith(listener.Passthrough.Select(p => p.Backend));
            var actions = listener.VirtualHosts.SelectMany(h => h.Routes).Select(r => r.Action).Append(listener.DefaultAction);
            foreach (var action in actions.OfType<RouteAction>())
            {
                used.UnionWith(action.Backends?.Select(b => b.Backend) ?? []);
                if (action.Canary is { } canary)
                {
                    used.Add(canary.Backend);
                }
            }
        }

        return pools.Where(p => used.Contains(p.Id)).ToList();
    }

    private static string Scheme(LoadBalancerScheme scheme) =>
        scheme == LoadBalancerScheme.Internal ? "internal" : "internet-facing";
}
