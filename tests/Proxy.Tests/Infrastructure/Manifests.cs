namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>Manifest snippets for the Services and EndpointSlices of test backends.</summary>
public static class Manifests
{
    /// <summary>A Service (port 80, or 443 for a port named https) with one ready endpoint per backend port.</summary>
    public static string Service(string name, params int[] ports) => Service(name, "http", ports);

    public static string Service(string name, string portName, params int[] ports)
    {
        var servicePort = portName == "https" ? 443 : 80;
        // One slice per backend port: each endpoint has its own port.
        var slices = string.Concat(ports.Select((port, i) => $"""

            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {"{"}name: {name}-{i}, namespace: default, labels: {"{"}kubernetes.io/service-name: {name}{"}"}{"}"}
            addressType: IPv4
            ports: [{"{"}name: {portName}, port: {port}{"}"}]
            endpoints: [{"{"}addresses: [127.0.0.1]{"}"}]
            ---

            """));
        return $"""

            ---
            apiVersion: v1
            kind: Service
            metadata: {"{"}name: {name}, namespace: default{"}"}
            spec:
              ports: [{"{"}name: {portName}, port: {servicePort}{"}"}]
            {slices}
            """;
    }

    /// <summary>An Ingress of our class with one rule: host, Prefix path, Service port 80 (or 443).</summary>
    public static string Ingress(string name, string host, string service, string path = "/", string annotations = "", string tls = "", int port = 80) => $"""

        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: {name}
          namespace: default
          annotations: {"{"}{annotations}{"}"}
        spec:
          ingressClassName: cloudingress
          {tls}
          rules:
            - host: "{host}"
              http:
                paths: [{"{"}path: {path}, pathType: Prefix, backend: {"{"}service: {"{"}name: {service}, port: {"{"}number: {port}{"}"}{"}"}{"}"}{"}"}]
        ---

        """;

    /// <summary>
    /// A Service of type LoadBalancer of our class (an L4 frontend) with one TCP port, and one
    /// ready endpoint on the backend port; <paramref name="spec"/> adds spec fields (one per line).
    /// </summary>
    public static string L4Service(string name, int port, int backendPort, string annotations = "", string spec = "", string protocol = "TCP") => $"""

        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: default
          annotations: {"{"}{annotations}{"}"}
        spec:
          type: LoadBalancer
          loadBalancerClass: cloudingress.io/lb
          {spec}
          ports: [{"{"}name: tcp, port: {port}, protocol: {protocol}{"}"}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: {name}-0, namespace: default, labels: {"{"}kubernetes.io/service-name: {name}{"}"}{"}"}
        addressType: IPv4
        ports: [{"{"}name: tcp, port: {backendPort}, protocol: {protocol}{"}"}]
        endpoints: [{"{"}addresses: [127.0.0.1]{"}"}]
        ---

        """;
}
