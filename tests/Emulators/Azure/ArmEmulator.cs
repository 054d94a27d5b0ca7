using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>One request as the emulator received it (bodies as sent, secrets included: tests only).</summary>
public sealed record ArmRequest(string Method, string Path, string? Body, int Status);

/// <summary>
/// Azure Resource Manager for Microsoft.Network application gateways, load balancers and public
/// IPs on one https://127.0.0.1 endpoint, speaking api-version 2025-07-01: bearer tokens, PUT,
/// GET, DELETE and paged lists, long-running operations that take a few polls, etags and 412,
/// the checks the Network provider makes (specification shapes, SKU rules, references,
/// certificates, priorities, limits), and faults on demand.
/// </summary>
public sealed partial class ArmEmulator : IAsyncDisposable
{
    public const string ApiVersion = "2025-07-01";

    private readonly WebApplication _app;
    private readonly ArmState _state;
    private readonly ConcurrentQueue<ArmRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    private ArmEmulator(WebApplication app, ArmEmulatorOptions options, TestAuthority authority)
    {
        _app = app;
        _state = new ArmState(options);
        Authority = authority;
    }

    public Uri Url { get; private set; } = null!;

    public TestAuthority Authority { get; }

    /// <summary>The CA in a PEM file, for clients configured by path (<c>--azure-endpoint-ca</c>).</summary>
    public string AuthorityFile { get; private set; } = null!;

    public ArmEmulatorOptions Options => _state.Options;

    public ArmFaults Faults { get; } = new();

    public IReadOnlyList<ArmRequest> Requests => [.. _requests];

    /// <summary>Requests by <c>METHOD type</c> (<c>PUT applicationGateways</c>, <c>GET operations</c>).</summary>
    public IReadOnlyDictionary<string, int> Calls => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    public int MutatingCalls => _calls.Where(c => !c.Key.StartsWith("GET ", StringComparison.Ordinal)).Sum(c => c.Value);

    public string ResourceGroupId(string? group = null) => $"/subscriptions/{Options.Subscription}/resourceGroups/{group ?? Options.ResourceGroups[0]}";

    public static async Task<ArmEmulator> StartAsync(ArmEmulatorOptions? options = null)
    {
        var authority = TestAuthority.Create();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(authority.Server)));
        var app = builder.Build();
        var emulator = new ArmEmulator(app, options ?? new ArmEmulatorOptions(), authority);
        app.Run(emulator.HandleAsync);
        await app.StartAsync();
        emulator.Url = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        emulator.AuthorityFile = Path.Combine(Path.GetTempPath(), $"arm-emulator-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(emulator.AuthorityFile, authority.AuthorityPem);
        return emulator;
    }

    /// <summary>The resources of <paramref name="type"/> (<c>applicationGateways</c>…) as a GET returns them.</summary>
    public IReadOnlyList<JsonObject> Resources(string type)
    {
        lock (_state.Lock)
        {
            return [.. _state.Resources.Values.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => (JsonObject)r.Body.DeepClone())];
        }
    }

    /// <summary>Puts a resource straight into the state, as another tool would have made it (tests of ownership).</summary>
    public void Seed(string type, string name, JsonObject body, string? group = null)
    {
        lock (_state.Lock)
        {
            var id = $"{ResourceGroupId(group)}/providers/Microsoft.Network/{type}/{name}";
            var stored = Store(type, name, id, body, null);
            Complete(stored, fail: false);
        }
    }

    /// <summary>Changes a stored resource as someone editing it by hand would (a new etag, like ARM).</summary>
    public void Edit(string type, string name, Action<JsonObject> edit)
    {
        lock (_state.Lock)
        {
            var stored = _state.Find($"{ResourceGroupId()}/providers/Microsoft.Network/{type}/{name}") ?? throw new InvalidOperationException($"no {type}/{name}");
            edit(stored.Body);
            stored.Body["etag"] = NewEtag();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Authority.Dispose();
        File.Delete(AuthorityFile);
    }

    private static string NewEtag() => $"W/\"{Guid.NewGuid()}\"";
}
