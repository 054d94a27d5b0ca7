using CloudIngress.Controller.Cli;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>What the cloud providers' end-to-end tests share: the <c>cloudingress</c> command as a user runs it, and one small shop to route.</summary>
internal static class CloudCli
{
    /// <summary>A Service with two ready endpoints and an Ingress routing shop.example.com to it.</summary>
    public const string Shop = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        endpoints: [{addresses: ["10.0.7.1"]}, {addresses: ["10.0.7.2"]}]
        ports: [{name: http, port: 8080}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: default}
        spec:
          ingressClassName: cloudingress
          rules:
            - host: shop.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
        """;

    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CloudIngressCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
