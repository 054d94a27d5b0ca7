using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Config;
using CloudIngress.Providers.MetalLb.Planning;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// MetalLB's controller, as far as the tests need it: it watches Services and IPAddressPools in
/// the emulated API server and writes into the status of every class-less Service of type
/// LoadBalancer the address the pure allocator gives (addresses already in status replayed
/// first, as MetalLB does), or clears it when the Service would stay Pending. It announces
/// nothing: traffic goes to the proxy on 127.0.0.1.
/// </summary>
internal sealed class MetalLbStandIn : IAsyncDisposable
{
    private static readonly ApiResource Services = ApiResource.All.Single(r => r.Kind == "Service");
    private static readonly ApiResource Pools = ApiResource.All.Single(r => r.Kind == "IPAddressPool");

    private readonly ApiStore _store;
    private readonly SemaphoreSlim _changed = new(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops;
    private int _writes;

    public MetalLbStandIn(ApiStore store)
    {
        _store = store;
        _loops = [Pump(Services), Pump(Pools), Task.Run(LoopAsync)];
    }

    /// <summary>Status writes made, to wait for the stand-in to have looked at a change.</summary>
    public int Writes => Volatile.Read(ref _writes);

    private async Task Pump(ApiResource resource)
    {
        while (!_stop.IsCancellationRequested)
        {
            var (_, live, stop) = _store.Watch(resource, null, null);
            try
            {
                _changed.Release();
                while (await live.WaitToReadAsync(_stop.Token))
                {
                    while (live.TryRead(out _))
                    {
                    }

                    _changed.Release();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                stop();
            }
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await _changed.WaitAsync(_stop.Token);
                while (_changed.CurrentCount > 0)
                {
                    await _changed.WaitAsync(_stop.Token); // one pass for a burst
                }

                Assign();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Assign()
    {
        var services = _store.List(Services, null, _ => true).Items.Select(o => o.Deserialize(KubernetesJsonContext.Default.Service)!)
            .Where(s => s.Spec?.Type == "LoadBalancer" && s.Spec.LoadBalancerClass is null && s.Metadata.DeletionTimestamp is null).ToList();
        var pools = _store.List(Pools, null, _ => true).Items.Select(o => o.Deserialize(KubernetesJsonContext.Default.IPAddressPool)!).ToList();
        var diagnostics = new DiagnosticBag();
        var allocator = new Allocator(PoolReader.Read(pools, new Dictionary<string, IReadOnlyDictionary<string, string>>(), diagnostics));
        foreach (var assignment in AddressPlanner.Plan(services.Select(ServiceReader.Read), allocator, diagnostics))
        {
            var service = services.Single(s => ObjectRefs.For(s) == assignment.Service);
            var current = (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip).ToList();
            var wanted = assignment.Addresses.Select(a => a.ToString()).ToList();
            if (current.SequenceEqual(wanted))
            {
                continue;
            }

            var ingress = new JsonArray([.. wanted.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]);
            var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress } } };
            try
            {
                _store.Patch(Services, assignment.Service.Namespace!, assignment.Service.Name, patch, status: true);
                Interlocked.Increment(ref _writes);
            }
            catch (ApiError)
            {
                // Deleted meanwhile: the next change is looked at anyway.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        _changed.Dispose();
    }
}
