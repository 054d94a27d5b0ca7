using CloudIngress.Core.Build;
using CloudIngress.Core.Model;

namespace CloudIngress.Core.Tests.Model;

/// <summary>The fingerprint the reconciler compares to skip unchanged work: equal content, equal hash; any change a data plane would notice, a new one.</summary>
public sealed class ModelFingerprintTests
{
    [Theory]
    [InlineData("tls-offload-sni")]
    [InlineData("basic-auth-htpasswd")]
    [InlineData("bridge-with-ca")]
    [InlineData("canary")]
    public void SameInput_BuiltTwice_HasTheSameFingerprint(string goldenCase)
    {
        var a = ModelBuilder.Build(GoldenCases.Load(goldenCase), BuildOptions.Default);
        var b = ModelBuilder.Build(GoldenCases.Load(goldenCase), BuildOptions.Default);
        Assert.NotSame(a, b);
        Assert.Equal(ModelFingerprint.Of(a), ModelFingerprint.Of(b));
    }

    [Fact]
    public void ARotatedKey_ChangesTheFingerprint_ThoughTheJsonModelIsTheSame()
    {
        var model = ModelBuilder.Build(GoldenCases.Load("tls-offload-sni"), BuildOptions.Default);
        var rotated = model with { Certificates = [.. model.Certificates.Select((c, i) => i == 0 ? c with { PrivateKeyPem = new SensitiveText("another key") } : c)] };
        Assert.NotEqual(ModelFingerprint.Of(model), ModelFingerprint.Of(rotated));
    }

    [Fact]
    public void AChangedPasswordHash_ChangesTheFingerprint()
    {
        var model = ModelBuilder.Build(GoldenCases.Load("basic-auth-htpasswd"), BuildOptions.Default);
        var changed = model with
        {
            Frontends = [.. model.Frontends.Select(f => f with
            {
                Listeners = [.. f.Listeners.Select(l => l with
                {
                    VirtualHosts = [.. l.VirtualHosts.Select(h => h with
                    {
                        Routes = [.. h.Routes.Select(r => r.Policy?.BasicAuth is { } auth
                            ? r with { Policy = r.Policy with { BasicAuth = auth with { Credentials = [new HtpasswdEntry("admin", new SensitiveText("{SHA}other"))] } } }
                            : r)],
                    })],
                })],
            })],
        };
        Assert.NotEqual(ModelFingerprint.Of(model), ModelFingerprint.Of(changed));
    }

    [Fact]
    public void AnEndpointMore_ChangesTheFingerprint()
    {
        var model = ModelBuilder.Build(GoldenCases.Load("canary"), BuildOptions.Default);
        var scaled = model with { Backends = [.. model.Backends.Select((b, i) => i == 0 ? b with { Endpoints = [.. b.Endpoints, new BackendEndpoint("10.9.9.9", 8080)] } : b)] };
        Assert.NotEqual(ModelFingerprint.Of(model), ModelFingerprint.Of(scaled));
    }

    [Fact]
    public void TheFingerprint_RevealsNoSecret()
    {
        var model = ModelBuilder.Build(GoldenCases.Load("tls-offload-sni"), BuildOptions.Default);
        var fingerprint = ModelFingerprint.Of(model);
        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
    }

}
