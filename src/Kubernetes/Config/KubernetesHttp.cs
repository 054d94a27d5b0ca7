using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Kubernetes.Config;

/// <summary>The HTTP handler that talks to an API server as a <see cref="ClusterConnection"/> says.</summary>
public static class KubernetesHttp
{
    public static HttpMessageHandler CreateHandler(ClusterConnection connection)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(connection, certificate, chain, errors),
                ClientCertificates = connection.ClientCertificate is null ? null : [connection.ClientCertificate],
            },
        };
        return connection.Token is null ? sockets : new BearerTokenHandler(connection.Token) { InnerHandler = sockets };
    }

    /// <summary>
    /// The server certificate must chain to the configured CA (or the system roots) and carry the
    /// server's name, or <c>tls-server-name</c> when the kubeconfig sets one.
    /// </summary>
    internal static bool Validate(ClusterConnection connection, X509Certificate? presented, X509Chain? sent, SslPolicyErrors errors)
    {
        if (connection.InsecureSkipTlsVerify)
        {
            return true;
        }

        if (presented is null)
        {
            return false;
        }

        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        if (!certificate.MatchesHostname(connection.TlsServerName ?? connection.Server.IdnHost))
        {
            return false;
        }

        if (connection.CaCertificates is null)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(connection.CaCertificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }

        return chain.Build(certificate);
    }

    /// <summary>Adds the bearer token to every request, fetched each time so rotations take effect.</summary>
    private sealed class BearerTokenHandler(ITokenSource token) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await token.GetTokenAsync(cancellationToken));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
