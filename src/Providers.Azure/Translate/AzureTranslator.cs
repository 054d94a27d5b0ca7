using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Resources;
using System.Globalization;
using System.Text.Json;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>
/// Translate for Azure (pure): each ingress group becomes an Application Gateway v2, its
/// passthrough hosts and every LoadBalancer Service a Standard Load Balancer, and each public
/// frontend a Standard static public IP. Same model and options, same plan, byte for byte.
/// </summary>
public static class AzureTranslator
{
    public static AzurePlan Translate(GatewayModel model, AzureTranslateOptions options)
    {
        var context = new TranslateContext(model, options);
        var resources = new List<DesiredResource>();
        foreach (var frontend in model.Frontends)
        {
            resources.AddRange(frontend.Kind == FrontendKind.Http ? Group(frontend, context) : Service(frontend, context));
        }

        return new AzurePlan
        {
            Resources = [.. resources.OrderBy(r => r.Kind == AzureKind.PublicIp ? 0 : 1).ThenBy(r => r.Name, StringComparer.Ordinal)],
            Certificates = context.Material,
            Diagnostics = [.. context.Diagnostics.Order()],
        };
    }

    private static IEnumerable<DesiredResource> Group(Frontend frontend, TranslateContext context)
    {
        var entries = new List<(int, string, string, ObjectRef)>();
        foreach (var listener in frontend.Listeners.Where(l => l.Passthrough.Count > 0))
        {
            var winner = listener.Passthrough[0];
            foreach (var loser in listener.Passthrough.Skip(1))
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.PassthroughListenerConflict, loser.Source,
                    $"passthrough host {loser.Host}: port {listener.Port.ToString(CultureInfo.InvariantCulture)} of the load balancer already carries {winner.Host} ({winner.Source}); a load balancer cannot route encrypted bytes by host");
            }

            if (winner.SourceRanges is not null)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, winner.Source,
                    $"passthrough host {winner.Host}: Azure Load Balancer cannot restrict sources (that takes a network security group, which CloudIngress does not manage); the port is not opened");
                continue;
            }

            entries.Add((listener.Port, "Tcp", winner.Backend, winner.Source));
        }

        var passthroughMembers = entries.Select(e => e.Item4).Distinct().ToList();
        if (entries.Count > 0)
        {
            foreach (var resource in WithPublicIp(new LoadBalancerBuilder(context, frontend, "lb/" + frontend.Id), b => b.Build(entries, passthroughMembers, PublicIpId(b.Key, context)), frontend, context))
            {
                yield return resource;
            }
        }

        var skip = passthroughMembers.ToHashSet();
        var members = frontend.Members.Where(m => !skip.Contains(m)).ToList();
        var gateway = new GatewayBuilder(context, frontend);
        foreach (var resource in WithPublicIp(gateway, g => g.Build(PublicIpId(g.Key, context)) is { } built ? built with { Members = members } : null, frontend, context))
        {
            yield return resource;
        }
    }

    private static IEnumerable<DesiredResource> Service(Frontend frontend, TranslateContext context)
    {
        if (frontend.SourceRanges is not null)
        {
            foreach (var member in frontend.Members)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, member,
                    "loadBalancerSourceRanges: Azure Load Balancer cannot restrict sources (that takes a network security group, which CloudIngress does not manage); no load balancer is created");
            }

            return [];
        }

        var subject = frontend.Members.FirstOrDefault() ?? new ObjectRef("Service", null, frontend.Name);
        var entries = frontend.Listeners.Where(l => l.Backend is not null)
            .Select(l => (l.Port, l.Protocol == ListenerProtocol.Udp ? "Udp" : "Tcp", l.Backend!, subject)).ToList();
        return WithPublicIp(new LoadBalancerBuilder(context, frontend, "lb/" + frontend.Id), b => b.Build(entries, frontend.Members, PublicIpId(b.Key, context)), frontend, context);
    }

    /// <summary>The resource, and before it the public IP its frontend uses (internal frontends have none).</summary>
    private static IEnumerable<DesiredResource> WithPublicIp<T>(T builder, Func<T, DesiredResource?> build, Frontend frontend, TranslateContext context)
    {
        if (build(builder) is not { } resource)
        {
            yield break;
        }

        if (resource.PublicIpId is { } id)
        {
            var options = context.Options;
            var key = "pip/" + resource.Key;
            var address = new PublicIPAddress
            {
                Location = options.Location,
                Tags = AzureTags.For(options.ClusterName, frontend.Id, key),
                Sku = new PublicIPAddressSku("Standard", "Regional"),
                Properties = new PublicIPAddressProperties("Static", "IPv4"),
            };
            yield return new DesiredResource
            {
                Kind = AzureKind.PublicIp,
                Name = id[(id.LastIndexOf('/') + 1)..],
                Id = id,
                Key = key,
                FrontendId = frontend.Id,
                Body = JsonSerializer.SerializeToNode(address, ArmJsonContext.Default.PublicIPAddress)!.AsObject(),
            };
        }

        yield return resource;
    }

    private static string PublicIpId(string resourceKey, TranslateContext context) =>
        context.Options.ResourceId("publicIPAddresses", AzureNames.PublicIp(context.Options.ClusterName, "pip/" + resourceKey));
}
