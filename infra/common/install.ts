// "Install CloudIngress": the one component every stack uses. It declares exactly the objects
// of deploy/ (namespace, RBAC, Deployment, Service, PodDisruptionBudget, IngressClass), read from
// the files, with only these documented changes (infra/README.md, "What a stack changes from
// deploy/"):
//
//   - the container image                          (cloudingress:image)
//   - the replica count                            (cloudingress:replicas)
//   - deploy's --provider=kestrel replaced by the stack's provider flags, extra flags appended
//   - annotations on the ServiceAccount            (EKS: the IRSA role)
//   - labels on the controller's pods              (AKS: azure.workload.identity/use)
//   - the proxy Service's type and annotations     (EKS: ClusterIP; bare metal: MetalLB pool/address)
//   - the IngressClass made the default            (cloudingress:defaultIngressClass)
//   - configuration files: one ConfigMap, mounted read-only into the container
//   - RBAC added to deploy/'s, read from a folder of deploy/ (bare metal: deploy/bare-metal/,
//     what --provider=metallb needs beyond deploy/10-rbac.yaml)
//
// test/install.test.ts proves that what a stack declares equals deploy/ apart from these.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "./config";
import { K8sObject, objectId, readDeploy } from "./deploy";

/** One controller flag; its value may be known only after deployment (a VPC id). */
export interface Flag {
    flag: string;
    value: pulumi.Input<string>;
}

export interface InstallSettings {
    image: string;
    /** Replicas; deploy/'s count when unset. */
    replicas?: number;
    /** Replace deploy/'s `--provider=…`; the first must be `--provider`. */
    providerFlags: Flag[];
    /** Appended after deploy/'s flags (cloudingress:extraArgs). */
    extraArgs?: string[];
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Labels added to the controller's pods (not to the selector), e.g. AKS workload identity's azure.workload.identity/use. */
    podLabels?: Record<string, string>;
    /** ClusterIP where a cloud provider's load balancers are the entry point (a LoadBalancer Service would buy one nobody uses). */
    proxyServiceType?: "LoadBalancer" | "ClusterIP";
    proxyServiceAnnotations?: Record<string, string>;
    defaultIngressClass?: boolean;
    /** RBAC objects added to deploy/'s, as read from a folder of deploy/ (bare metal: deploy/bare-metal/); declared before the Deployment. */
    rbac?: K8sObject[];
    /** Files the controller reads (e.g. --metallb-config): a ConfigMap of that name, mounted read-only at mountPath. */
    files?: { configMap: string; mountPath: string; data: Record<string, string> };
}

/** The keys every stack shares, in the `cloudingress` namespace. */
export interface SharedConfig {
    image: string;
    replicas?: number;
    extraArgs: string[];
    defaultIngressClass: boolean;
}

/** A pinned image reference: [registry/]path with a :tag or @sha256: digest (an unpinned image moves under a running cluster). */
const IMAGE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function readSharedConfig(reader: ConfigReader): SharedConfig {
    const c = reader.sibling("cloudingress");
    const image = c.requiredString("image", {
        what: "the controller image to run, built from the repository's Dockerfile and pushed where the cluster can pull it, e.g. ghcr.io/you/cloudingress:0.1.0",
        pattern: IMAGE,
        expected: "an image reference (registry/name:tag or name@sha256:digest)",
    });
    if (image && IMAGE.test(image) && !/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(image.replace(/^[^/]*\//, ""))) {
        c.problem("image", `"${image}" has no tag or digest; pin one (name:tag or name@sha256:…) so every replica runs the same build`);
    }
    const replicas = c.has("replicas")
        ? c.integer("replicas", 2, { min: 2, max: 50, why: "the PodDisruptionBudget keeps one replica up, so one replica could never be evicted" })
        : undefined;
    const extraArgs = c.stringList("extraArgs", [], { pattern: /^--[a-z0-9-]+(=.*)?$/, expected: "a flag of `cloudingress run` written --flag=value" });
    return { image, replicas, extraArgs, defaultIngressClass: c.boolean("defaultIngressClass", false) };
}

const flagName = (arg: string) => arg.split("=")[0];

function single(objects: K8sObject[], kind: string): K8sObject {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`deploy/ must hold exactly one ${kind}, found ${found.length}`);
    return found[0];
}

/** deploy/'s ServiceAccount: IRSA trust and workload identity name it before anything is declared. */
export function serviceAccountOf(base: K8sObject[]): { namespace: string; name: string } {
    const sa = single(base, "ServiceAccount");
    return { namespace: sa.metadata.namespace!, name: sa.metadata.name };
}

/** The container deploy/'s Deployment runs the controller in (named like the Deployment). */
export function controllerContainer(objects: K8sObject[]): any {
    const deployment = single(objects, "Deployment");
    const containers: any[] = deployment.spec.template.spec.containers;
    const c = containers.find((x) => x.name === deployment.metadata.name);
    if (!c) throw new Error(`deploy/'s Deployment has no container named ${deployment.metadata.name}`);
    return c;
}

/** deploy/'s objects with the stack's changes (pure; `base` is not modified). */
export function render(base: K8sObject[], s: InstallSettings): K8sObject[] {
    const objects: K8sObject[] = structuredClone(base);
    const deployment = single(objects, "Deployment");
    const container = controllerContainer(objects);

    container.image = s.image;
    if (s.replicas !== undefined) deployment.spec.replicas = s.replicas;

    const args: pulumi.Input<string>[] = container.args;
    const at = args.findIndex((a) => typeof a === "string" && a.startsWith("--provider="));
    if (at < 0) throw new Error("deploy/'s controller has no --provider= argument to replace");
    if (s.providerFlags[0]?.flag !== "--provider") throw new Error("a stack's provider flags start with --provider");
    const present = new Set((args as string[]).filter((_, i) => i !== at).map(flagName));
    for (const f of [...s.providerFlags.map((p) => p.flag), ...(s.extraArgs ?? []).map(flagName)]) {
        if (present.has(f)) throw new Error(`${f} is given twice: deploy/ or the stack already sets it`);
        present.add(f);
    }
    args.splice(at, 1, ...s.providerFlags.map((p) => (typeof p.value === "string" ? `${p.flag}=${p.value}` : pulumi.interpolate`${p.flag}=${p.value}`)));
    args.push(...(s.extraArgs ?? []));

    if (s.serviceAccountAnnotations) {
        const sa = single(objects, "ServiceAccount");
        sa.metadata.annotations = { ...sa.metadata.annotations, ...s.serviceAccountAnnotations };
    }

    if (s.podLabels) {
        const template = deployment.spec.template;
        template.metadata.labels = { ...template.metadata.labels, ...s.podLabels };
    }

    const service = single(objects, "Service");
    if (s.proxyServiceType === "ClusterIP") {
        service.spec.type = "ClusterIP";
        delete service.spec.externalTrafficPolicy; // only NodePort and LoadBalancer Services may set it
    }
    if (s.proxyServiceAnnotations && Object.keys(s.proxyServiceAnnotations).length > 0) {
        service.metadata.annotations = { ...service.metadata.annotations, ...s.proxyServiceAnnotations };
    }

    if (s.defaultIngressClass) {
        const ingressClass = single(objects, "IngressClass");
        ingressClass.metadata.annotations = { ...ingressClass.metadata.annotations, "ingressclass.kubernetes.io/is-default-class": "true" };
    }

    if (s.rbac) {
        const ids = new Set(objects.map(objectId));
        for (const o of s.rbac) {
            if (!o.apiVersion.startsWith("rbac.authorization.k8s.io/")) throw new Error(`${objectId(o)}: only RBAC objects are added to deploy/'s`);
            if (ids.has(objectId(o))) throw new Error(`${objectId(o)} is in deploy/ already`);
            ids.add(objectId(o));
        }
        objects.splice(objects.indexOf(deployment), 0, ...structuredClone(s.rbac));
    }

    if (s.files) {
        const pod = deployment.spec.template.spec;
        objects.splice(objects.indexOf(deployment), 0, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: s.files.configMap, namespace: deployment.metadata.namespace, labels: { ...deployment.metadata.labels } },
            data: s.files.data,
        });
        pod.volumes = [...(pod.volumes ?? []), { name: s.files.configMap, configMap: { name: s.files.configMap } }];
        container.volumeMounts = [...(container.volumeMounts ?? []), { name: s.files.configMap, mountPath: s.files.mountPath, readOnly: true }];
    }
    return objects;
}

type Declare = (name: string, o: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The kinds deploy/ holds (and the ConfigMap for files). A new kind there fails loudly here, not silently. */
const KINDS: Record<string, Declare> = {
    "v1/Namespace": (n, o, opts) => new k8s.core.v1.Namespace(n, o, opts),
    "v1/ServiceAccount": (n, o, opts) => new k8s.core.v1.ServiceAccount(n, o, opts),
    "v1/ConfigMap": (n, o, opts) => new k8s.core.v1.ConfigMap(n, o, opts),
    "v1/Service": (n, o, opts) => new k8s.core.v1.Service(n, o, opts),
    "rbac.authorization.k8s.io/v1/ClusterRole": (n, o, opts) => new k8s.rbac.v1.ClusterRole(n, o, opts),
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (n, o, opts) => new k8s.rbac.v1.ClusterRoleBinding(n, o, opts),
    "rbac.authorization.k8s.io/v1/Role": (n, o, opts) => new k8s.rbac.v1.Role(n, o, opts),
    "rbac.authorization.k8s.io/v1/RoleBinding": (n, o, opts) => new k8s.rbac.v1.RoleBinding(n, o, opts),
    "apps/v1/Deployment": (n, o, opts) => new k8s.apps.v1.Deployment(n, o, opts),
    "policy/v1/PodDisruptionBudget": (n, o, opts) => new k8s.policy.v1.PodDisruptionBudget(n, o, opts),
    "networking.k8s.io/v1/IngressClass": (n, o, opts) => new k8s.networking.v1.IngressClass(n, o, opts),
};

export interface CloudIngressArgs extends InstallSettings {
    /** deploy/'s objects; read from the repository when not given. */
    base?: K8sObject[];
}

/** deploy/'s install as Pulumi resources, changed only as `render` documents. */
export class CloudIngress extends pulumi.ComponentResource {
    /** The controller's namespace. */
    readonly namespace: pulumi.Output<string>;
    /** The IngressClass Ingresses name to be served. */
    readonly ingressClassName: pulumi.Output<string>;
    /** The proxy Service's load balancer address once assigned (bare metal: MetalLB's); undefined for a ClusterIP Service. */
    readonly proxyAddress: pulumi.Output<string | undefined>;
    /** The objects declared, in order. */
    readonly objects: K8sObject[];

    constructor(name: string, args: CloudIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cloudingress:index:CloudIngress", name, {}, opts);
        const { base, ...settings } = args;
        this.objects = render(base ?? readDeploy(), settings);

        const declared = new Map<K8sObject, pulumi.CustomResource>();
        const declare = (o: K8sObject, dependsOn: pulumi.Resource[]) => {
            const make = KINDS[`${o.apiVersion}/${o.kind}`];
            if (!make) throw new Error(`${objectId(o)}: the install component does not know ${o.apiVersion}/${o.kind}; add it to KINDS in infra/common/install.ts`);
            const r = make(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { parent: this, dependsOn });
            declared.set(o, r);
            return r;
        };

        // Namespaces first, then what lives in them; the Deployment last, after the
        // ServiceAccount, RBAC and files its pods need to start.
        const namespaces = this.objects.filter((o) => o.kind === "Namespace").map((o) => declare(o, []));
        const rest = this.objects.filter((o) => o.kind !== "Namespace" && o.kind !== "Deployment");
        for (const o of rest) declare(o, namespaces);
        const deployment = single(this.objects, "Deployment");
        const needed = rest.filter((o) => ["ServiceAccount", "ConfigMap"].includes(o.kind) || o.apiVersion.startsWith("rbac.authorization.k8s.io/"));
        declare(deployment, [...namespaces, ...needed.map((o) => declared.get(o)!)]);

        const ns = this.objects.find((o) => o.kind === "Namespace" && o.metadata.name === deployment.metadata.namespace);
        this.namespace = ns ? (declared.get(ns) as k8s.core.v1.Namespace).metadata.name : pulumi.output(deployment.metadata.namespace!);
        this.ingressClassName = (declared.get(single(this.objects, "IngressClass")) as k8s.networking.v1.IngressClass).metadata.name;
        const service = declared.get(single(this.objects, "Service")) as k8s.core.v1.Service;
        this.proxyAddress = settings.proxyServiceType === "ClusterIP"
            ? pulumi.output(undefined)
            : service.status.apply((st) => st?.loadBalancer?.ingress?.[0]?.ip ?? st?.loadBalancer?.ingress?.[0]?.hostname ?? undefined);
        this.registerOutputs({ namespace: this.namespace, ingressClassName: this.ingressClassName, proxyAddress: this.proxyAddress });
    }
}

/** What a stack decides itself; the rest comes from the shared cloudingress:* keys. */
export type StackInstall = Omit<CloudIngressArgs, keyof SharedConfig>;

/** The component every stack declares: the shared keys (image, replicas, extra flags, default class) plus the stack's own changes. */
export function installCloudIngress(shared: SharedConfig, stack: StackInstall, opts?: pulumi.ComponentResourceOptions): CloudIngress {
    return new CloudIngress("cloudingress", { ...stack, ...shared }, opts);
}
