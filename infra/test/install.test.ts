// The shared "install CloudIngress" component: deploy/'s objects, changed only as documented.

import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigReader, StackConfigError } from "../common/config";
import { K8sObject, readDeploy } from "../common/deploy";
import { CloudIngress, controllerContainer, readSharedConfig, render } from "../common/install";
import { mock, settle, valueOf } from "./harness";
import { at, differences, k8sObjects } from "./k8s";

const deploy = readDeploy();
const kestrel = { image: "registry.example/cloudingress:1.2.3", providerFlags: [{ flag: "--provider", value: "kestrel" }] };

test("deploy/ is read whole: the ten objects of the install", () => {
    assert.deepEqual(deploy.map((o) => o.kind), [
        "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
        "Deployment", "Service", "PodDisruptionBudget", "IngressClass",
    ]);
});

test("with deploy's own provider, only the image changes", () => {
    const rendered = render(deploy, kestrel);
    assert.deepEqual(differences(deploy, rendered), ["Deployment cloudingress/cloudingress: spec.template.spec.containers[0].image"]);
    assert.equal(controllerContainer(rendered).image, "registry.example/cloudingress:1.2.3");
    assert.notEqual(controllerContainer(deploy).image, "registry.example/cloudingress:1.2.3", "render must not modify its input");
});

test("every documented change lands where documented, and nothing else moves", () => {
    const rendered = render(deploy, {
        image: "registry.example/cloudingress:1.2.3",
        replicas: 3,
        providerFlags: [{ flag: "--provider", value: "example" }, { flag: "--example-flag", value: "x" }],
        extraArgs: ["--resync-period=5m"],
        serviceAccountAnnotations: { "example.com/identity": "id" },
        podLabels: { "example.com/use": "true" },
        proxyServiceType: "ClusterIP",
        proxyServiceAnnotations: { "example.com/pool": "p" },
        defaultIngressClass: true,
        files: { configMap: "cloudingress-example", mountPath: "/etc/cloudingress/example", data: { "config.yaml": "a: 1\n" } },
    });
    const d = "Deployment cloudingress/cloudingress: spec.";
    assert.deepEqual(differences(deploy, rendered), [
        "+ ConfigMap cloudingress/cloudingress-example",
        `${d}replicas`,
        `${d}template.spec.containers[0].args`,
        `${d}template.spec.containers[0].image`,
        `${d}template.spec.containers[0].volumeMounts[1]`,
        `${d}template.spec.volumes[1]`,
        `${d}template.metadata.labels.example.com/use`,
        "IngressClass cloudingress: metadata.annotations.ingressclass.kubernetes.io/is-default-class",
        "Service cloudingress/cloudingress: metadata.annotations",
        "Service cloudingress/cloudingress: spec.externalTrafficPolicy",
        "Service cloudingress/cloudingress: spec.type",
        "ServiceAccount cloudingress/cloudingress: metadata.annotations",
    ].sort());
    const args: string[] = controllerContainer(rendered).args;
    const before: string[] = controllerContainer(deploy).args;
    // --provider=kestrel is replaced in place, extra flags go last, the rest stays as deploy/ has it.
    assert.deepEqual(args, [
        ...before.slice(0, before.indexOf("--provider=kestrel")),
        "--provider=example", "--example-flag=x",
        ...before.slice(before.indexOf("--provider=kestrel") + 1),
        "--resync-period=5m",
    ]);
    const deployment = rendered.find((o) => o.kind === "Deployment")!;
    assert.deepEqual(at(deployment, "spec.template.spec.volumes[1]"), { name: "cloudingress-example", configMap: { name: "cloudingress-example" } });
    assert.deepEqual(at(deployment, "spec.template.spec.containers[0].volumeMounts[1]"), { name: "cloudingress-example", mountPath: "/etc/cloudingress/example", readOnly: true });
});

test("RBAC added to deploy/'s goes before the Deployment; anything else, or an object deploy/ has, is refused", () => {
    const role: K8sObject = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "cloudingress-example" }, rules: [] };
    const rendered = render(deploy, { ...kestrel, rbac: [role] });
    assert.deepEqual(differences(deploy, rendered), [
        "+ ClusterRole cloudingress-example",
        "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].image",
    ]);
    assert.ok(rendered.findIndex((o) => o.metadata.name === "cloudingress-example") < rendered.findIndex((o) => o.kind === "Deployment"));
    assert.throws(() => render(deploy, { ...kestrel, rbac: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "cloudingress" } }] }),
        /Secret cloudingress\/s: only RBAC objects are added/);
    assert.throws(() => render(deploy, { ...kestrel, rbac: [deploy.find((o) => o.kind === "ClusterRole")!] }), /ClusterRole cloudingress is in deploy\/ already/);
});

test("a flag given twice is refused with its name", () => {
    assert.throws(() => render(deploy, { ...kestrel, extraArgs: ["--ingress-class=other"] }), /--ingress-class is given twice/);
    assert.throws(() => render(deploy, { ...kestrel, providerFlags: [{ flag: "--provider", value: "x" }, { flag: "--log-format", value: "text" }] }), /--log-format is given twice/);
    assert.throws(() => render(deploy, { ...kestrel, providerFlags: [{ flag: "--cluster-name", value: "x" }] }), /start with --provider/);
});

test("a kind the component does not know is refused by name", async () => {
    await mock("cloudingress-test", {});
    const base: K8sObject[] = [...deploy, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "cloudingress" } }];
    assert.throws(() => new CloudIngress("ci", { ...kestrel, base }), /Widget cloudingress\/w: the install component does not know example.com\/v1\/Widget/);
});

test("the component declares exactly the rendered objects, as typed Kubernetes resources", async () => {
    const declared = await mock("cloudingress-test", {}, {
        state: (r) => (r.type === "kubernetes:core/v1:Service" ? { status: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } } } : undefined),
    });
    const install = new CloudIngress("ci", kestrel);
    assert.equal(await valueOf(install.proxyAddress), "192.0.2.10");
    assert.equal(await valueOf(install.namespace), "cloudingress");
    assert.equal(await valueOf(install.ingressClassName), "cloudingress");
    await settle(declared);
    assert.deepEqual(differences(render(deploy, kestrel), k8sObjects(declared)), []);
    assert.deepEqual(declared.map((d) => d.type).sort(), [
        "cloudingress:index:CloudIngress",
        "kubernetes:core/v1:Namespace", "kubernetes:core/v1:ServiceAccount",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        "kubernetes:core/v1:Service", "kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:networking.k8s.io/v1:IngressClass",
        "kubernetes:apps/v1:Deployment",
    ].sort());
});

test("shared keys: the image is required and pinned, replicas leave room for the disruption budget", () => {
    const read = (values: Record<string, string>) => {
        const reader = new ConfigReader("cloudingress-test", (ns, key) => values[`${ns}:${key}`]);
        return { reader, shared: readSharedConfig(reader) };
    };
    const problems = (values: Record<string, string>) => {
        const { reader } = read(Object.fromEntries(Object.entries(values).map(([k, v]) => [`cloudingress:${k}`, v])));
        try {
            reader.check();
            return [];
        } catch (e) {
            assert.ok(e instanceof StackConfigError);
            return e.problems;
        }
    };
    assert.deepEqual(problems({ image: "ghcr.io/x/cloudingress:0.1.0" }), []);
    assert.deepEqual(problems({ image: "localhost:5000/cloudingress@sha256:" + "a".repeat(64) }), []);
    assert.match(problems({})[0], /^cloudingress:image is required: the controller image .*pulumi config set cloudingress:image VALUE/);
    assert.match(problems({ image: "ghcr.io/x/cloudingress" })[0], /cloudingress:image: "ghcr.io\/x\/cloudingress" has no tag or digest/);
    assert.match(problems({ image: "Not An Image" })[0], /cloudingress:image: "Not An Image" is not an image reference/);
    assert.match(problems({ image: "x:1", replicas: "1" })[0], /cloudingress:replicas: "1" is not a whole number from 2 to 50 \(the PodDisruptionBudget/);
    assert.match(problems({ image: "x:1", extraArgs: '["resync"]' })[0], /cloudingress:extraArgs: "resync" is not a flag of `cloudingress run`/);
    assert.deepEqual(read({ "cloudingress:image": "x:1" }).shared, { image: "x:1", replicas: undefined, extraArgs: [], defaultIngressClass: false });
});
