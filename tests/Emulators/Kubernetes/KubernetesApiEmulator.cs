using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>
/// A Kubernetes API server on 127.0.0.1 for tests, speaking the real REST and watch protocol over
/// HTTP: list (selectors, limit/continue), get, create, update, merge patch, delete, the status
/// subresource, and watch streams of ADDED/MODIFIED/DELETED/BOOKMARK. Faults can be injected:
/// failing requests (500, 429 with Retry-After), delays, and dropped watches. With
/// <see cref="EmulatorSecurity"/>, a ServiceAccount's token is held to its RBAC rules.
/// </summary>
public sealed class KubernetesApiEmulator : IAsyncDisposable
{
    private readonly EmulatorSecurity? _security;
    private WebApplication _app = null!;

    private KubernetesApiEmulator(EmulatorSecurity? security)
    {
        _security = security;
    }

    /// <summary>Who each authenticated request was from: <c>token:VALUE</c> or <c>cert:SUBJECT</c>, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Identities { get; } = new();

    public ApiStore Store { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>Requests RBAC refused (tokens in <see cref="EmulatorSecurity.Authorizers"/>), as "TOKEN: cannot VERB resource …", in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Forbidden { get; } = new();

    /// <summary>Requests received, as "METHOD /path?query", in order: tests wait for a client's next request instead of sleeping.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>A kubeconfig (current context "emulator", the CA when serving TLS) for kubectl and <c>--kubeconfig</c>; bearer token by default.</summary>
    public string Kubeconfig(string user = "{token: test-token}") => $$$"""
        apiVersion: v1
        kind: Config
        current-context: emulator
        clusters: [{name: emulator, cluster: {server: "{{{Url.ToString().TrimEnd('/')}}}"{{{(_security is null ? string.Empty : ", certificate-authority-data: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(_security.Ca.ExportCertificatePem())))}}}}}]
        users: [{name: tester, user: {{{user}}}}]
        contexts: [{name: emulator, context: {cluster: emulator, user: tester}}]
        """;

    /// <summary>How often watches that asked for bookmarks get one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Plain HTTP without authentication; or, with <paramref name="security"/>, TLS and only its tokens and client certificates admitted (401 otherwise).</summary>
    public static async Task<KubernetesApiEmulator> StartAsync(EmulatorSecurity? security = null)
    {
        var emulator = new KubernetesApiEmulator(security);
        foreach (var ns in new[] { "default", "kube-system", "kube-public" })
        {
            emulator.Store.EnsureNamespace(ns);
        }

        await emulator.ListenAsync(0);
        return emulator;
    }

    /// <summary>
    /// An API server restart: every connection closed, nothing served while <paramref name="whileDown"/>
    /// runs (it may change the store, as other clients of a real cluster would), then the same
    /// store served again on the same port.
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileDown = null)
    {
        Store.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        await ListenAsync(Url.Port);
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (_security is { } security)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = security.ServerCertificate;
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => security.Issued(certificate);
                });
            }
        }));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        Url = new Uri(_app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        Store.DropWatches();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Received.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        try
        {
            string? token = null;
            if (_security is not null && !Authenticate(context, out token))
            {
                throw new ApiError(401, "Unauthorized", "Unauthorized");
            }

            await Faults.ApplyAsync(context);
            if (context.Response.HasStarted)
            {
                return;
            }

            if (context.Request.Method == "GET" && Discovery.Answer(context.Request.Path.Value ?? "/") is { } discovery)
            {
                await WriteJson(context, 200, discovery);
                return;
            }

            var route = ApiRoute.Parse(context.Request.Path.Value ?? "/") ?? throw new ApiError(404, "NotFound", "the server could not find the requested resource");
            var authorizer = token is not null && _security!.Authorizers.TryGetValue(token, out var a) ? a : null;
            Authorize(authorizer, token, Attributes(route, Verb(context.Request, route)));
            await DispatchAsync(context, route, () => Authorize(authorizer, token, Attributes(route, "create")));
        }
        catch (ApiError e)
        {
            await WriteJson(context, e.Code, e.ToStatus());
        }
        catch (JsonException)
        {
            await WriteJson(context, 400, ApiError.BadRequest("the request body is not valid JSON").ToStatus());
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            await WriteJson(context, 500, new ApiError(500, "InternalError", e.GetType().Name + ": " + e.Message).ToStatus());
        }
    }

    /// <summary>A bearer token the security admits, or a client certificate its CA issued (the API server's two ways we use).</summary>
    private bool Authenticate(HttpContext context, out string? token)
    {
        token = null;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _security!.Tokens.ContainsKey(authorization[7..]))
        {
            token = authorization[7..];
            Identities.Enqueue("token:" + token);
            return true;
        }

        if (context.Connection.ClientCertificate is { } certificate && _security!.Issued(certificate))
        {
            Identities.Enqueue("cert:" + certificate.Subject);
            return true;
        }

        return false;
    }

    /// <summary>The RBAC verb of a request, as the API server names it.</summary>
    private static string Verb(HttpRequest request, ApiRoute route) => request.Method switch
    {
        "GET" when route.Name is null && request.Query["watch"] is ["true" or "1"] => "watch",
        "GET" when route.Name is null => "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" when route.Name is null => "deletecollection",
        "DELETE" => "delete",
        _ => request.Method.ToLowerInvariant(),
    };

    private static ResourceAttributes Attributes(ApiRoute route, string verb) =>
        new(verb, route.Resource.Group, route.Resource.Plural, route.Status ? "status" : null, route.Namespace, route.Name);

    private void Authorize(RbacAuthorizer? authorizer, string? token, ResourceAttributes attributes)
    {
        if (authorizer is null || authorizer.Allows(attributes))
        {
            return;
        }

        Forbidden.Enqueue($"{token}: {attributes}");
        throw new ApiError(403, "Forbidden", $"{attributes.Resource} is forbidden: the token's ServiceAccount {attributes}");
    }

    /// <summary>Serves the request; <paramref name="authorizeCreate"/> checks the caller may create, which a server-side apply that creates the object needs as well as patch.</summary>
    private async Task DispatchAsync(HttpContext context, ApiRoute route, Action authorizeCreate)
    {
        var request = context.Request;
        var query = request.Query;
        switch (request.Method)
        {
            case "GET" when route.Name is null && query["watch"] is ["true" or "1"]:
                await WatchAsync(context, route);
                return;
            case "GET" when route.Name is null:
                await WriteJson(context, 200, ListResponse(route, query["labelSelector"], query["fieldSelector"], query["limit"], query["continue"]));
                return;
            case "GET":
                await WriteJson(context, 200, Store.Get(route.Resource, route.Namespace, route.Name));
                return;
            case "POST" when route.Name is null:
                await WriteJson(context, 201, Store.Create(route.Resource, route.Namespace, await Body(request)));
                return;
            case "PUT" when route.Name is not null:
                await WriteJson(context, 200, Store.Update(route.Resource, route.Namespace, route.Name, await Body(request), route.Status));
                return;
            case "PATCH" when route.Name is not null:
                var strategic = request.ContentType?.StartsWith("application/strategic-merge-patch+json", StringComparison.OrdinalIgnoreCase) == true;
                var patch = await Body(request);
                // Server-side apply (JSON is YAML): the fields sent are set, and a missing object is created.
                if (request.ContentType?.StartsWith("application/apply-patch+yaml", StringComparison.OrdinalIgnoreCase) == true && !route.Status
                    && Store.List(route.Resource, route.Namespace, o => (string?)o["metadata"]?["name"] == route.Name).Items.Count == 0)
                {
                    authorizeCreate();
                    await WriteJson(context, 201, Store.Create(route.Resource, route.Namespace, patch));
                    return;
                }

                await WriteJson(context, 200, Store.Patch(route.Resource, route.Namespace, route.Name, patch, route.Status, strategic));
                return;
            case "DELETE" when route.Name is not null:
                await WriteJson(context, 200, Store.Delete(route.Resource, route.Namespace, route.Name));
                return;
            default:
                throw new ApiError(405, "MethodNotAllowed", $"{request.Method} is not supported here");
        }
    }

    private JsonObject ListResponse(ApiRoute route, string? labels, string? fields, string? limitText, string? continueToken)
    {
        var skip = 0;
        if (!string.IsNullOrEmpty(continueToken))
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken)).Split(':');
            skip = int.Parse(parts[0], CultureInfo.InvariantCulture);
        }

        var limit = int.TryParse(limitText, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var (page, total, version) = Store.ListPage(route.Resource, route.Resource.Namespaced && route.Namespace.Length > 0 ? route.Namespace : null,
            Selectors.Parse(labels, fields), skip, limit);
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (skip + page.Count < total)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{skip + page.Count}:{version}"));
            metadata["remainingItemCount"] = total - skip - page.Count;
        }

        return new JsonObject
        {
            ["kind"] = route.Resource.Kind + "List",
            ["apiVersion"] = route.Resource.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(page.Cast<JsonNode>().ToArray()),
        };
    }

    private async Task WatchAsync(HttpContext context, ApiRoute route)
    {
        var query = context.Request.Query;
        long? from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : null;
        var bookmarks = query["allowWatchBookmarks"] is ["true"];
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
        var select = Selectors.Parse(query["labelSelector"], query["fieldSelector"]);
        var ns = route.Resource.Namespaced && route.Namespace.Length > 0 ? route.Namespace : null;
        List<WatchEvent> backlog;
        System.Threading.Channels.ChannelReader<WatchEvent> live;
        Action stop;
        try
        {
            (backlog, live, stop) = Store.Watch(route.Resource, ns, from);
        }
        catch (ApiError e) when (e.Code == 410)
        {
            // As the real server (its watch cache) does: 200, one ERROR event holding the 410 Status, end of stream.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await WriteEvent(context, "ERROR", e.ToStatus());
            return;
        }

        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            ends.CancelAfter(timeout);
            foreach (var change in backlog.Where(e => select(e.Object)))
            {
                await WriteEvent(context, change.Type, change.Object);
            }

            await context.Response.Body.FlushAsync(ends.Token);
            while (!ends.IsCancellationRequested)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(ends.Token);
                tick.CancelAfter(BookmarkInterval);
                try
                {
                    if (!await live.WaitToReadAsync(tick.Token))
                    {
                        return; // dropped: the client must re-watch from its last version
                    }

                    while (live.TryRead(out var change))
                    {
                        if (select(change.Object))
                        {
                            await WriteEvent(context, change.Type, change.Object);
                        }
                    }
                }
                catch (OperationCanceledException) when (!ends.IsCancellationRequested && bookmarks)
                {
                    var bookmark = new JsonObject
                    {
                        ["kind"] = route.Resource.Kind,
                        ["apiVersion"] = route.Resource.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = Store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                    };
                    await WriteEvent(context, "BOOKMARK", bookmark);
                }
                catch (OperationCanceledException) when (!ends.IsCancellationRequested)
                {
                }

                await context.Response.Body.FlushAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            stop();
        }
    }

    private static async Task WriteEvent(HttpContext context, string type, JsonObject obj)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line));
    }

    private static async Task<JsonObject> Body(HttpRequest request) =>
        await JsonNode.ParseAsync(request.Body) as JsonObject ?? throw ApiError.BadRequest("the request body must be a JSON object");

    private static async Task WriteJson(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }
}
