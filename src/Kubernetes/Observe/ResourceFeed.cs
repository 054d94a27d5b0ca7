using CloudIngress.Core.Resources;
using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;
using System.Runtime.CompilerServices;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>One page of a list, in Core's types, with the version to watch from and the token of the next page.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);

/// <summary>One watch event in Core's types; a bookmark has no object, only the version it moved to.</summary>
public sealed record WatchChange<T>(WatchEventType Type, T? Object, string ResourceVersion)
    where T : class;

/// <summary>410 Gone: the resourceVersion is too old to watch from; list again.</summary>
public sealed class ResourceExpiredException(string message) : Exception(message);

/// <summary>List and watch of one kind, as an informer needs them.</summary>
public interface IResourceFeed<T>
    where T : class
{
    string Plural { get; }

    Task<ListPage<T>> ListAsync(string? continueToken, CancellationToken cancellationToken);

    /// <summary>Ends when the server ends the stream; throws <see cref="ResourceExpiredException"/> on 410, in the response or in the stream.</summary>
    IAsyncEnumerable<WatchChange<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}

/// <summary>One page of the package's typed list (<c>List…WithHttpMessagesAsync</c>).</summary>
public delegate Task<HttpOperationResponse<TList>> ListCall<TList>(string? continueToken, CancellationToken cancellationToken);

/// <summary>The package's typed watch (<c>WatchList…Async</c>) from a resourceVersion, with bookmarks.</summary>
public delegate IAsyncEnumerable<(WatchEventType, TModel)> WatchCall<TModel>(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

/// <summary>A feed over the package's typed list/watch of one kind, mapped into Core's type.</summary>
public sealed class KubernetesFeed<TModel, TList, T>(string plural, ListCall<TList> list, WatchCall<TModel> watch, Func<TModel, T> map) : IResourceFeed<T>
    where TModel : IKubernetesObject<V1ObjectMeta>
    where TList : IItems<TModel>, IMetadata<V1ListMeta>
    where T : class
{
    public string Plural => plural;

    public async Task<ListPage<T>> ListAsync(string? continueToken, CancellationToken cancellationToken)
    {
        using var response = await list(continueToken, cancellationToken);
        var page = response.Body;
        return new ListPage<T>([.. (page.Items ?? []).Select(map)], page.Metadata?.ResourceVersion ?? string.Empty,
            string.IsNullOrEmpty(page.Metadata?.ContinueProperty) ? null : page.Metadata.ContinueProperty);
    }

    public async IAsyncEnumerable<WatchChange<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The package reports an ERROR event (a Status) or an undecodable line to onError and reads
        // on; either means events may be lost, so the stream is ended and the failure thrown.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        void OnError(Exception e)
        {
            failure ??= e;
            failed.Cancel();
        }

        var events = watch(resourceVersion, OnError, failed.Token).GetAsyncEnumerator(failed.Token);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (Exception e) when (failure is not null && e is OperationCanceledException)
                {
                    throw Translate(failure);
                }
                catch (HttpOperationException e)
                {
                    throw Translate(e);
                }
                catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
                {
                    // The package reads the first line before it returns the stream: a watch the
                    // server ended before any event is a normal end, to resume from the same version.
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                var (type, model) = events.Current;
                var version = model?.Metadata?.ResourceVersion ?? string.Empty;
                yield return type == WatchEventType.Bookmark || model is null
                    ? new WatchChange<T>(WatchEventType.Bookmark, null, version)
                    : new WatchChange<T>(type, map(model), version);
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    private static Exception Translate(Exception e) => e switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } gone => new ResourceExpiredException(gone.Status.Message ?? "too old resource version"),
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => new ResourceExpiredException("too old resource version"),
        _ => e,
    };
}

/// <summary>The kinds the controller observes, over the package's typed operations.</summary>
public static class ObservedKinds
{
    /// <summary>Pages of a list: large clusters are listed in bounded responses.</summary>
    public const int PageSize = 500;

    /// <summary>How long a watch stays open before the server ends it and it is resumed.</summary>
    public const int WatchSeconds = 300;

    public static IResourceFeed<Ingress> Ingresses(IKubernetes client, string? ns) =>
        new KubernetesFeed<V1Ingress, V1IngressList, Ingress>("ingresses", ns is null
            ? (c, ct) => client.NetworkingV1.ListIngressForAllNamespacesWithHttpMessagesAsync(continueParameter: c, limit: PageSize, cancellationToken: ct)
            : (c, ct) => client.NetworkingV1.ListNamespacedIngressWithHttpMessagesAsync(ns, continueParameter: c, limit: PageSize, cancellationToken: ct),
            ns is null
            ? (rv, e, ct) => client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct)
            : (rv, e, ct) => client.NetworkingV1.WatchListNamespacedIngressAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct),
            CoreMapper.Ingress);

    public static IResourceFeed<IngressClass> IngressClasses(IKubernetes client) =>
        new KubernetesFeed<V1IngressClass, V1IngressClassList, IngressClass>("ingressclasses",
            (c, ct) => client.NetworkingV1.ListIngressClassWithHttpMessagesAsync(continueParameter: c, limit: PageSize, cancellationToken: ct),
            (rv, e, ct) => client.NetworkingV1.WatchListIngressClassAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct),
            CoreMapper.IngressClass);

    public static IResourceFeed<Service> Services(IKubernetes client, string? ns) =>
        new KubernetesFeed<V1Service, V1ServiceList, Service>("services", ns is null
            ? (c, ct) => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(continueParameter: c, limit: PageSize, cancellationToken: ct)
            : (c, ct) => client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(ns, continueParameter: c, limit: PageSize, cancellationToken: ct),
            ns is null
            ? (rv, e, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct)
            : (rv, e, ct) => client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct),
            CoreMapper.Service);

    public static IResourceFeed<EndpointSlice> EndpointSlices(IKubernetes client, string? ns) =>
        new KubernetesFeed<V1EndpointSlice, V1EndpointSliceList, EndpointSlice>("endpointslices", ns is null
            ? (c, ct) => client.DiscoveryV1.ListEndpointSliceForAllNamespacesWithHttpMessagesAsync(continueParameter: c, limit: PageSize, cancellationToken: ct)
            : (c, ct) => client.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(ns, continueParameter: c, limit: PageSize, cancellationToken: ct),
            ns is null
            ? (rv, e, ct) => client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct)
            : (rv, e, ct) => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct),
            CoreMapper.EndpointSlice);

    public static IResourceFeed<Secret> Secrets(IKubernetes client, string? ns) =>
        new KubernetesFeed<V1Secret, V1SecretList, Secret>("secrets", ns is null
            ? (c, ct) => client.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(continueParameter: c, limit: PageSize, cancellationToken: ct)
            : (c, ct) => client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, continueParameter: c, limit: PageSize, cancellationToken: ct),
            ns is null
            ? (rv, e, ct) => client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct)
            : (rv, e, ct) => client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: e, cancellationToken: ct),
            CoreMapper.Secret);
}
