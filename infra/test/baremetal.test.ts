// infra/baremetal under Pulumi's mocks: MetalLB (optionally installed), its pools and
// advertisements from config, and the controller installed as deploy/ with --provider=metallb.

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { BARE_METAL_RBAC_DIR, bareMetalStack, METALLB_CHART_REPO } from "../baremetal/stack";
import { StackConfigError } from "../common/config";
import { readDeploy } from "../common/deploy";
import { controllerContainer, serviceAccountOf } from "../common/install";
import { Declared, mock, one, ofType, settle, valueOf } from "./harness";
import { differences, k8sObjects } from "./k8s";

const POOL = "kubernetes:metallb.io/v1beta1:IPAddressPool";
const L2 = "kubernetes:metallb.io/v1beta1:L2Advertisement";
const BGP = "kubernetes:metallb.io/v1beta1:BGPAdvertisement";

const config = {
    "cloudingress:image": "registry.lab:5000/cloudingress:0.1.0",
    "cloudingress-baremetal:pools": [
        { name: "public", addresses: ["192.168.10.240-192.168.10.250", "2001:db8:10::/124"] },
        { name: "reserved", addresses: ["192.168.10.0/28"], autoAssign: false, avoidBuggyIPs: true },
    ],
};

const serviceStatus = (r: { type: string }) =>
    r.type === "kubernetes:core/v1:Service" ? { status: { loadBalancer: { ingress: [{ ip: "192.168.10.240" }] } } } : undefined;

async function run(overrides: Record<string, unknown> = {}) {
    const declared = await mock("cloudingress-baremetal", { ...config, ...overrides }, { state: serviceStatus });
    const outputs = bareMetalStack();
    const resolved = {
        proxyAddress: await valueOf(outputs.proxyAddress),
        controllerNamespace: await valueOf(outputs.controllerNamespace),
        ingressClassName: await valueOf(outputs.ingressClassName),
        pools: outputs.pools,
    };
    await settle(declared);
    return { declared, outputs: resolved };
}

const position = (declared: Declared[], type: string) => declared.findIndex((d) => d.type === type);

test("pools from config become IPAddressPools with their addresses; no advertisement given means L2 for all", async () => {
    const { declared, outputs } = await run();
    const pools = ofType(declared, POOL).map((d) => d.inputs).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.deepEqual(pools.map((p) => [p.metadata.namespace, p.metadata.name, p.spec]), [
        ["metallb-system", "public", { addresses: ["192.168.10.240-192.168.10.250", "2001:db8:10::/124"] }],
        ["metallb-system", "reserved", { addresses: ["192.168.10.0/28"], autoAssign: false, avoidBuggyIPs: true }],
    ]);
    const l2 = one(declared, L2).inputs;
    assert.deepEqual([l2.metadata.name, l2.spec], ["cloudingress-l2", {}]); // no ipAddressPools: MetalLB announces every pool
    assert.equal(ofType(declared, BGP).length, 0);
    assert.equal(ofType(declared, "kubernetes:helm.sh/v3:Release").length, 0, "MetalLB is not installed unless asked");
    assert.deepEqual(outputs.pools, { public: ["192.168.10.240-192.168.10.250", "2001:db8:10::/124"], reserved: ["192.168.10.0/28"] });
});

test("advertisements from config, L2 and BGP, name their pools", async () => {
    const { declared } = await run({
        "cloudingress-baremetal:l2Advertisements": [{ name: "lan", ipAddressPools: ["reserved"], interfaces: ["eth1"] }],
        "cloudingress-baremetal:bgpAdvertisements": [{ name: "upstream", ipAddressPools: ["public"], aggregationLength: 32, localPref: 100, communities: ["65535:65282"], peers: ["tor-a"] }],
    });
    assert.deepEqual(one(declared, L2).inputs.spec, { ipAddressPools: ["reserved"], interfaces: ["eth1"] });
    assert.deepEqual(one(declared, BGP).inputs, {
        apiVersion: "metallb.io/v1beta1",
        kind: "BGPAdvertisement",
        metadata: { name: "upstream", namespace: "metallb-system", labels: { "app.kubernetes.io/part-of": "cloudingress" } },
        spec: { ipAddressPools: ["public"], aggregationLength: 32, localPref: 100, communities: ["65535:65282"], peers: ["tor-a"] },
    });
});

test("installMetallb: its chart in a namespace that admits the speaker, before the pools; the controller after them", async () => {
    const { declared } = await run({ "cloudingress-baremetal:installMetallb": "true", "cloudingress-baremetal:metallbNamespace": "lb" });
    const release = one(declared, "kubernetes:helm.sh/v3:Release").inputs;
    assert.deepEqual([release.chart, release.version, release.repositoryOpts.repo, release.namespace], ["metallb", "0.15.3", METALLB_CHART_REPO, "lb"]);
    const ns = one(declared, "kubernetes:core/v1:Namespace", "metallb").inputs;
    assert.equal(ns.metadata.name, "lb");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    assert.ok(ofType(declared, POOL).every((p) => p.inputs.metadata.namespace === "lb"));
    // Registration waits for dependencies, so the order the mocks saw is the dependency order.
    assert.ok(position(declared, "kubernetes:helm.sh/v3:Release") < position(declared, POOL));
    const lastMetallb = Math.max(...declared.map((d, i) => (d.type.startsWith("kubernetes:metallb.io/") ? i : -1)));
    assert.ok(lastMetallb < position(declared, "kubernetes:apps/v1:Deployment"));
    assert.ok(lastMetallb < position(declared, "kubernetes:core/v1:Service"));
});

test("CloudIngress: deploy/'s objects with --provider=metallb and its --metallb-config file holding the declared pools", async () => {
    const { declared, outputs } = await run({ "cloudingress-baremetal:proxyPool": "public" });
    const objects = k8sObjects(declared).filter((o) => !o.apiVersion.startsWith("metallb.io/") && o.metadata.name !== "metallb");
    assert.deepEqual(differences(readDeploy(), objects), [
        "+ ClusterRole cloudingress-metallb",
        "+ ClusterRoleBinding cloudingress-metallb",
        "+ ConfigMap cloudingress/cloudingress-metallb",
        "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].args",
        "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].image",
        "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].volumeMounts[1]",
        "Deployment cloudingress/cloudingress: spec.template.spec.volumes[1]",
        "Service cloudingress/cloudingress: metadata.annotations",
    ]);
    const container = controllerContainer(objects);
    assert.equal(container.image, "registry.lab:5000/cloudingress:0.1.0");
    assert.deepEqual(container.args.slice(0, 3), ["run", "--provider=metallb", "--metallb-config=/etc/cloudingress/metallb/metallb.yaml"]);
    assert.deepEqual(container.volumeMounts[1], { name: "cloudingress-metallb", mountPath: "/etc/cloudingress/metallb", readOnly: true });
    // The file is the very objects the stack declared.
    const file = objects.find((o) => o.kind === "ConfigMap")!.data["metallb.yaml"];
    const documents = parseAllDocuments(file).map((d) => d.toJS());
    const metallb = declared.filter((d) => d.type.startsWith("kubernetes:metallb.io/")).map((d) => d.inputs);
    const byName = (a: any, b: any) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
    assert.deepEqual(documents.sort(byName), metallb.sort(byName));
    assert.deepEqual(objects.find((o) => o.kind === "Service")!.metadata.annotations, { "metallb.io/address-pool": "public" });
    assert.equal(outputs.proxyAddress, "192.168.10.240");
    assert.deepEqual([outputs.controllerNamespace, outputs.ingressClassName], ["cloudingress", "cloudingress"]);
    // Every Kubernetes resource goes to the configured cluster, not an ambient default.
    assert.ok(declared.filter((d) => d.type.startsWith("kubernetes:")).every((d) => d.provider?.includes("pulumi:providers:kubernetes::cluster::")));
});

test("CloudIngress gets the RBAC --provider=metallb needs: deploy/bare-metal/'s ClusterRole, bound to the controller's ServiceAccount, before the Deployment", async () => {
    const { declared } = await run();
    const role = one(declared, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "cloudingress-clusterrole-cloudingress-metallb");
    const binding = one(declared, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "cloudingress-clusterrolebinding-cloudingress-metallb");
    // The objects of the file, as they are: the file is what the .NET tests hold to the provider's calls.
    assert.deepEqual(differences(readDeploy(BARE_METAL_RBAC_DIR), [role.inputs, binding.inputs]), []);
    assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.inputs.metadata.name });
    const deployment = one(declared, "kubernetes:apps/v1:Deployment").inputs;
    const account = { kind: "ServiceAccount", ...serviceAccountOf(readDeploy()) };
    assert.equal(deployment.spec.template.spec.serviceAccountName, account.name);
    assert.equal(deployment.metadata.namespace, account.namespace);
    assert.deepEqual(binding.inputs.subjects, [account]);
    const rules: any[] = role.inputs.rules;
    const grants = (group: string, resource: string, verb: string) =>
        rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const verb of ["create", "patch", "delete"]) assert.ok(grants("", "services", verb), `services: ${verb}`);
    for (const kind of ["ipaddresspools", "l2advertisements", "bgpadvertisements"]) assert.ok(grants("metallb.io", kind, "watch"), `${kind}: watch`);
    assert.ok(grants("", "namespaces", "watch"));
    // Registration waits for dependencies: the pods start with their permissions in place.
    const at = (d: Declared) => declared.indexOf(d);
    assert.ok(Math.max(at(role), at(binding)) < position(declared, "kubernetes:apps/v1:Deployment"));
});

test("the proxy's address, when pinned, must lie in a pool (and in proxyPool when both are set)", async () => {
    const { declared } = await run({ "cloudingress-baremetal:proxyAddress": "192.168.10.245, 2001:db8:10::5" });
    const service = k8sObjects(declared).find((o) => o.kind === "Service")!;
    assert.deepEqual(service.metadata.annotations, { "metallb.io/loadBalancerIPs": "192.168.10.245,2001:db8:10::5" });
});

test("a kubeconfig from config reaches the provider as a secret", async () => {
    const { declared } = await run({ "cloudingress-baremetal:kubeconfig": "apiVersion: v1\nkind: Config\n", "cloudingress-baremetal:context": "lab" });
    const provider = one(declared, "pulumi:providers:kubernetes").inputs;
    assert.equal(provider.context, "lab");
    assert.equal(provider.kubeconfig.value, "apiVersion: v1\nkind: Config\n");
    assert.equal(provider.kubeconfig["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "marked secret");
});

async function problems(overrides: Record<string, unknown>, base: Record<string, unknown> = config): Promise<string[]> {
    const declared = await mock("cloudingress-baremetal", { ...base, ...overrides }, { state: serviceStatus });
    try {
        bareMetalStack();
        assert.fail("the stack accepted bad configuration");
    } catch (e) {
        assert.ok(e instanceof StackConfigError, String(e));
        await settle(declared);
        assert.deepEqual(declared, [], "nothing may be declared when the configuration is bad");
        return e.problems;
    }
}

test("missing required keys are named, with what they are for", async () => {
    assert.deepEqual((await problems({}, {})).map((p) => p.split(/[ :]/).slice(0, 2).join(":")), ["cloudingress-baremetal:pools", "cloudingress:image"]);
    assert.match((await problems({ "cloudingress-baremetal:pools": [] }))[0], /^cloudingress-baremetal:pools: at least one MetalLB address pool is required/);
});

test("malformed addresses, overlaps and dangling names fail before any resource, all reported at once", async () => {
    const found = await problems({
        "cloudingress-baremetal:pools": [
            { name: "a", addresses: ["192.168.10.250-192.168.10.240", "10.0.0.0/33", "10.1.0.7/24", "192.168.20.0/24"] },
            { name: "b", addresses: ["192.168.20.128/25"] },
            { name: "Bad_Name", addresses: ["10.9.0.0/24"] },
            { name: "c", adresses: ["10.8.0.0/24"] },
        ],
        "cloudingress-baremetal:l2Advertisements": [{ name: "lan", ipAddressPools: ["a", "missing"] }],
        "cloudingress-baremetal:proxyAddress": "172.16.0.1",
    });
    const expected = [
        /pools: "c" has no addresses/,
        /pools: "c": unknown field "adresses" \(known: name, addresses, autoAssign, avoidBuggyIPs\)/,
        /pools: "Bad_Name" is not a Kubernetes object name/,
        /pools: "a": "192.168.10.250-192.168.10.240" ends before it starts/,
        /pools: "a": "10.0.0.0\/33" is not a CIDR block: the prefix length must be 0 to 32/,
        /pools: "a": "10.1.0.7\/24" has host bits set; the block is 10.1.0.0\/24/,
        /pools: "b": 192.168.20.128\/25 overlaps pool "a" \(192.168.20.0\/24\); MetalLB refuses overlapping pools/,
        /l2Advertisements: "lan" advertises pool "missing", which is not in pools/,
        /proxyAddress: 172.16.0.1 is in no pool; MetalLB would leave the proxy Service pending/,
    ];
    for (const e of expected) assert.ok(found.some((p) => e.test(p)), `${e} not among:\n${found.join("\n")}`);
    assert.equal(found.length, expected.length, found.join("\n"));
});

test("more mistakes MetalLB or Kubernetes would refuse later", async () => {
    assert.match((await problems({ "cloudingress-baremetal:pools": "192.168.10.0/24" }))[0], /pools: must be a list of maps/);
    assert.match((await problems({ "cloudingress-baremetal:pools": [{ name: "a", addresses: ["10.0.0.0/24"] }, { name: "a", addresses: ["10.0.1.0/24"] }] }))[0], /"a" is declared twice/);
    assert.match((await problems({ "cloudingress-baremetal:proxyPool": "nope" }))[0], /proxyPool: "nope" is not in pools \(public, reserved\)/);
    assert.match((await problems({ "cloudingress-baremetal:proxyPool": "reserved", "cloudingress-baremetal:proxyAddress": "192.168.10.241" }))[0], /192.168.10.241 is in pool "public", not in proxyPool "reserved"/);
    assert.match((await problems({ "cloudingress-baremetal:proxyAddress": "192.168.10.241,192.168.10.242" }))[0], /one IPv4 and one IPv6/);
    assert.match((await problems({ "cloudingress-baremetal:bgpAdvertisements": [{ name: "x", aggregationLength: 33 }] }))[0], /aggregationLength must be 1 to 32/);
    assert.match((await problems({ "cloudingress-baremetal:installMetallb": "yes" }))[0], /installMetallb: "yes" is not true or false/);
    assert.match((await problems({ "cloudingress-baremetal:metallbVersion": "latest" }))[0], /"latest" is not a MetalLB chart version/);
});
