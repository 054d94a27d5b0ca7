using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Tests;
using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Tests.Emulator;

/// <summary>A ServiceAccount's token is held to its RBAC rules as the API server holds it.</summary>
public sealed class RbacTests
{
    private static readonly JsonObject[] Rbac =
    [
        Object("""{"kind": "ClusterRole", "metadata": {"name": "reader"}, "rules": [{"apiGroups": [""], "resources": ["services"], "verbs": ["get", "list"]}]}"""),
        Object("""{"kind": "ClusterRoleBinding", "metadata": {"name": "reader"}, "roleRef": {"kind": "ClusterRole", "name": "reader"}, "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "apps"}]}"""),
        Object("""{"kind": "Role", "metadata": {"name": "writer", "namespace": "apps"}, "rules": [{"apiGroups": [""], "resources": ["services"], "verbs": ["patch"]}, {"apiGroups": [""], "resources": ["services/status"], "resourceNames": ["one"], "verbs": ["patch"]}]}"""),
        Object("""{"kind": "RoleBinding", "metadata": {"name": "writer", "namespace": "apps"}, "roleRef": {"kind": "Role", "name": "writer"}, "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "apps"}]}"""),
        Object("""{"kind": "ClusterRoleBinding", "metadata": {"name": "other"}, "roleRef": {"kind": "ClusterRole", "name": "reader"}, "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "elsewhere"}]}"""),
    ];

    [Fact]
    public void Rules_ApplyWhereTheirBindingSays_ToTheResourceAndNamesTheyName()
    {
        var app = RbacAuthorizer.ForServiceAccount("apps", "app", Rbac);
        Assert.True(app.Allows(new("list", "", "services", null, "", null)));
        Assert.True(app.Allows(new("get", "", "services", null, "other", "x")));
        Assert.True(app.Allows(new("patch", "", "services", null, "apps", "x")));
        Assert.False(app.Allows(new("patch", "", "services", null, "other", "x")), "a RoleBinding grants in its namespace only");
        Assert.False(app.Allows(new("watch", "", "services", null, "", null)));
        Assert.False(app.Allows(new("get", "networking.k8s.io", "services", null, "apps", "x")));
        Assert.True(app.Allows(new("patch", "", "services", "status", "apps", "one")));
        Assert.False(app.Allows(new("patch", "", "services", "status", "apps", "two")), "resourceNames");
        Assert.False(RbacAuthorizer.ForServiceAccount("apps", "nobody", Rbac).Allows(new("get", "", "services", null, "apps", "x")));
    }

    [Fact]
    public async Task RefusedRequests_Are403AndRecorded_AnApplyThatCreatesNeedsCreate_OtherTokensAreNotChecked()
    {
        var security = new EmulatorSecurity("app-token", "admin-token");
        security.Authorizers["app-token"] = RbacAuthorizer.ForServiceAccount("apps", "app", Rbac);
        await using var api = await KubernetesApiEmulator.StartAsync(security);
        api.Store.EnsureNamespace("apps");
        using var app = TestKube.Client(api.Url, security.Ca, "app-token");
        using var admin = TestKube.Client(api.Url, security.Ca, "admin-token");

        var patch = new V1Patch("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "one", "namespace": "apps"}, "spec": {"ports": [{"port": 80}]}}""", V1Patch.PatchType.ApplyPatch);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => app.CoreV1.PatchNamespacedServiceAsync(patch, "one", "apps", fieldManager: "t", force: true));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal("app-token: cannot create resource \"services\" in API group \"\" in the namespace \"apps\" (name \"one\")", Assert.Single(api.Forbidden));

        await admin.CoreV1.PatchNamespacedServiceAsync(patch, "one", "apps", fieldManager: "t", force: true);
        await app.CoreV1.PatchNamespacedServiceAsync(patch, "one", "apps", fieldManager: "t", force: true); // exists: patch is enough
        Assert.Single((await app.CoreV1.ListNamespacedServiceAsync("apps")).Items);
        var delete = await Assert.ThrowsAsync<HttpOperationException>(() => app.CoreV1.DeleteNamespacedServiceAsync("one", "apps"));
        Assert.Equal(HttpStatusCode.Forbidden, delete.Response.StatusCode);
        Assert.Equal(2, api.Forbidden.Count);
        await admin.CoreV1.DeleteNamespacedServiceAsync("one", "apps");
    }

    private static JsonObject Object(string json) => JsonNode.Parse(json)!.AsObject();
}
