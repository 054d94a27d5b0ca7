using CloudIngress.Core.Model;
using CloudIngress.Emulators.Aws;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>
/// An <see cref="AwsProvider"/> talking to the emulator over 127.0.0.1, or (<see cref="StartLiveAsync"/>) to the
/// endpoint in <c>CLOUDINGRESS_AWS_ENDPOINT</c> (LocalStack, moto, AWS) with the default credentials chain.
/// </summary>
internal sealed class AwsTestbed : IAsyncDisposable
{
    private AwsTestbed(AwsEmulator? emulator, AwsClients clients, string cluster)
    {
        Emulator = emulator;
        Clients = clients;
        Cluster = cluster;
        Provider = NewProvider();
    }

    public AwsEmulator? Emulator { get; }

    public AwsClients Clients { get; }

    public string Cluster { get; }

    public AwsProvider Provider { get; }

    public static string? LiveEndpoint => Environment.GetEnvironmentVariable("CLOUDINGRESS_AWS_ENDPOINT") is { Length: > 0 } e ? e : null;

    public static async Task<AwsTestbed> StartAsync(AwsEmulatorOptions? options = null, string? cluster = null, HttpMessageHandler? handler = null)
    {
        var emulator = await AwsEmulator.StartAsync(options);
        var settings = new AwsSettings
        {
            Region = emulator.Region,
            Endpoint = emulator.Url,
            RateLimits = AwsRateLimits.None,
            FullReadsPerSecond = 0,
            BaseDelay = TimeSpan.FromMilliseconds(1),
        };
        var credentials = AwsCredentialChain.Static(new AwsCredentials("AKIDEXAMPLE", "test-secret"));
        return new AwsTestbed(emulator, new AwsClients(settings, credentials, handler), cluster ?? "test-" + Guid.NewGuid().ToString("N")[..6]);
    }

    public static Task<AwsTestbed> StartLiveAsync() => Task.FromResult(StartLive(new Uri(LiveEndpoint!), AwsCredentialChain.Default()));

    /// <summary>A real endpoint (LocalStack, moto, AWS) under a cluster name of its own; disposing destroys what it made.</summary>
    public static AwsTestbed StartLive(Uri endpoint, Func<CancellationToken, ValueTask<AwsCredentials>> credentials)
    {
        var settings = new AwsSettings
        {
            Region = Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region : "us-east-1",
            Endpoint = endpoint,
        };
        return new AwsTestbed(null, new AwsClients(settings, credentials), "live-" + Guid.NewGuid().ToString("N")[..6]);
    }

    public AwsProvider NewProvider(int maxRules = 100, int passes = 5) => new(Clients, new AwsProviderOptions
    {
        ClusterName = Cluster,
        MaxRulesPerLoadBalancer = maxRules,
        Passes = passes,
        InUseAttempts = 3,
        InUseDelay = TimeSpan.FromMilliseconds(5),
    });

    /// <summary>Mutating calls the provider made (the client's own count: every attempt).</summary>
    public int MutatingCalls => Clients.Calls.Where(c => AwsClients.IsMutating(c.Key)).Sum(c => c.Value);

    /// <summary>An apply of <see cref="Provider"/>; a full resync unless asked otherwise, so that every apply reads what AWS holds.</summary>
    public Task<AwsApplyResult> ApplyAsync(GatewayModel model, bool fullResync = true) => Provider.ApplyAsync(model, fullResync, CancellationToken.None);

    /// <summary>Every resource in the emulator carrying this cluster's tag (load balancers, target groups, certificates, security groups).</summary>
    public IReadOnlyList<string> Owned() =>
        [.. Emulator!.AllTags().Where(t => AwsTags.OwnedBy(t.Value, Cluster)).Select(t => t.Key).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        if (Emulator is null)
        {
            // Leave the user's endpoint as it was.
            await Provider.DestroyAsync(CancellationToken.None);
        }

        Clients.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
