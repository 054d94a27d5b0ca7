using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Core.Routing;
using CloudIngress.Core.Snapshot;
using System.Text.Json;

namespace CloudIngress.Core.Tests.Build;

/// <summary>Properties over random snapshots: determinism, order independence, no throws, referential integrity.</summary>
public sealed class ModelBuilderPropertyTests
{
    private const int Seeds = 300;

    private static readonly BuildOptions Options = BuildOptions.Default with { Now = GoldenModelTests.Now };

    public static TheoryData<int> SeedBlocks() => [0, 1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Build_SameSnapshotTwice_GivesIdenticalOutput(int block)
    {
        foreach (var snapshot in Snapshots(block, uniqueNames: false))
        {
            Assert.Equal(Json(ModelBuilder.Build(snapshot, Options)), Json(ModelBuilder.Build(snapshot, Options)));
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Build_ShuffledInput_GivesIdenticalOutput(int block)
    {
        var seed = block * 1000;
        foreach (var snapshot in Snapshots(block, uniqueNames: true))
        {
            var expected = Json(ModelBuilder.Build(snapshot, Options));
            Assert.Equal(expected, Json(ModelBuilder.Build(RandomSnapshots.Shuffle(snapshot, ++seed), Options)));
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void Build_AnySnapshot_NeverThrowsAndKeepsReferencesWhole(int block)
    {
        foreach (var snapshot in Snapshots(block, uniqueNames: false))
        {
            var model = ModelBuilder.Build(snapshot, Options);
            AssertReferencesResolve(model);
            AssertRoutesOrdered(model);
        }
    }

    [Fact]
    public void Snapshots_ExerciseTheInterestingPaths()
    {
        // Guards the generator: if it stopped producing routes, conflicts or errors the properties above would hold vacuously.
        var models = Enumerable.Range(0, Seeds).Select(s => ModelBuilder.Build(new RandomSnapshots(s).Next(), Options)).ToList();
        AtLeast(Seeds / 4, models.Count(m => m.Frontends.Any(f => f.Listeners.Any(l => l.VirtualHosts.Count > 0))), "models with routes");
        AtLeast(Seeds / 10, models.Count(m => m.Frontends.Any(f => f.Kind == FrontendKind.L4)), "models with L4 frontends");
        AtLeast(5, models.Count(m => m.Diagnostics.Any(d => d.Code == "RouteConflict")), "models with route conflicts");
        AtLeast(Seeds / 4, models.Count(m => m.HasErrors), "models with errors");
        AtLeast(5, models.Count(m => m.Certificates.Count > 0), "models with certificates");
    }

    private static void AtLeast(int minimum, int actual, string what) =>
        Assert.True(actual >= minimum, $"{what}: {actual}, expected at least {minimum}");

    private static IEnumerable<ClusterSnapshot> Snapshots(int block, bool uniqueNames)
    {
        var per = Seeds / SeedBlocks().Count;
        for (var seed = block * per; seed < (block + 1) * per; seed++)
        {
            yield return new RandomSnapshots(seed, uniqueNames).Next();
        }
    }

    private static string Json(GatewayModel model) => JsonSerializer.Serialize(model, ModelJsonContext.Default.GatewayModel);

    private static void AssertReferencesResolve(GatewayModel model)
    {
        var pools = model.Backends.Select(b => b.Id).ToHashSet();
        var certificates = model.Certificates.Select(c => c.Id).ToHashSet();
        Assert.Equal(pools.Count, model.Backends.Count);
        foreach (var listener in model.Frontends.SelectMany(f => f.Listeners))
        {
            var actions = listener.VirtualHosts.SelectMany(h => h.Routes).Select(r => r.Action).Append(listener.DefaultAction).OfType<RouteAction>();
            foreach (var action in actions)
            {
                Assert.All(action.Backends ?? [], b => Assert.Contains(b.Backend, pools));
                if (action.Canary is { } canary)
                {
                    Assert.Contains(canary.Backend, pools);
                }
            }

            Assert.All(listener.Passthrough, p => Assert.Contains(p.Backend, pools));
            Assert.All(listener.Certificates, c => Assert.Contains(c.Certificate, certificates));
            if (listener.Backend is { } backend)
            {
                Assert.Contains(backend, pools);
            }
        }
    }

    private static void AssertRoutesOrdered(GatewayModel model)
    {
        foreach (var host in model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts))
        {
            Assert.Equal(host.Routes.Count, host.Routes.Select(r => (r.PathType, r.Path)).Distinct().Count());
            for (var i = 1; i < host.Routes.Count; i++)
            {
                Assert.True(Paths.ComparePrecedence(host.Routes[i - 1], host.Routes[i]) < 0, $"{host.Host}: routes out of order");
            }
        }
    }
}
