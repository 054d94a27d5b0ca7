// infra/baremetal: on an existing cluster, MetalLB (optionally installed from its chart), its
// pools and advertisements from stack config, and CloudIngress with --provider=metallb in front
// of its own proxy.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { ConfigReader } from "../common/config";
import { readDeploy, repoRoot } from "../common/deploy";
import { installCloudIngress } from "../common/install";
import { PROJECT, readBareMetalConfig } from "./config";
import { METALLB_CONFIG_DIR, METALLB_CONFIG_FILE, METALLB_CONFIG_MAP, metallbConfigFile, metallbObjects, proxyServiceAnnotations } from "./metallb";

/** What --provider=metallb needs beyond deploy/10-rbac.yaml (docs/bare-metal.md, step 4). */
export const BARE_METAL_RBAC_DIR = path.join(repoRoot, "deploy", "bare-metal");

/** MetalLB's chart repository. */
export const METALLB_CHART_REPO = "https://metallb.github.io/metallb";

export function bareMetalStack(read: ConfigReader = new ConfigReader(PROJECT)) {
    // Everything that can be wrong with the input is found before the first resource.
    const cfg = readBareMetalConfig(read);
    const base = readDeploy();
    const metallb = metallbObjects(cfg);

    // The cluster: the configured kubeconfig (a path or the file's contents; keep contents
    // secret: `pulumi config set --secret kubeconfig "$(cat FILE)"`), else the ambient one.
    const kubernetes = new k8s.Provider("cluster", {
        kubeconfig: cfg.kubeconfig ? new pulumi.Config(PROJECT).getSecret("kubeconfig") : undefined,
        context: cfg.context,
    });
    const inCluster = { provider: kubernetes };

    // MetalLB itself, when asked: its namespace must admit the speaker (host network, NET_RAW).
    const installed: pulumi.Resource[] = [];
    if (cfg.installMetallb) {
        const privileged = "privileged";
        const ns = new k8s.core.v1.Namespace("metallb", {
            metadata: {
                name: cfg.metallbNamespace,
                labels: {
                    "pod-security.kubernetes.io/enforce": privileged,
                    "pod-security.kubernetes.io/audit": privileged,
                    "pod-security.kubernetes.io/warn": privileged,
                },
            },
        }, inCluster);
        installed.push(new k8s.helm.v3.Release("metallb", {
            name: "metallb",
            chart: "metallb",
            version: cfg.metallbVersion,
            repositoryOpts: { repo: METALLB_CHART_REPO },
            namespace: cfg.metallbNamespace,
            createNamespace: false,
        }, { ...inCluster, dependsOn: [ns] }));
    }

    // Pools and advertisements (their CRDs and webhook come with MetalLB).
    const declared = metallb.map((o) =>
        new k8s.apiextensions.CustomResource(`metallb-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { ...inCluster, dependsOn: installed }));

    // The controller goes after the pools (its proxy Service gets an address at once) and, on
    // destroy, before them.
    const install = installCloudIngress(cfg.install, {
        base,
        providerFlags: [
            { flag: "--provider", value: "metallb" },
            { flag: "--metallb-config", value: `${METALLB_CONFIG_DIR}/${METALLB_CONFIG_FILE}` },
        ],
        proxyServiceAnnotations: proxyServiceAnnotations(cfg),
        rbac: readDeploy(BARE_METAL_RBAC_DIR),
        files: { configMap: METALLB_CONFIG_MAP, mountPath: METALLB_CONFIG_DIR, data: { [METALLB_CONFIG_FILE]: metallbConfigFile(metallb) } },
    }, { providers: [kubernetes], dependsOn: declared });

    return {
        controllerNamespace: install.namespace,
        ingressClassName: install.ingressClassName,
        proxyAddress: install.proxyAddress,
        metallbNamespace: pulumi.output(cfg.metallbNamespace),
        pools: Object.fromEntries(cfg.pools.map((p) => [p.name, p.addresses])),
    };
}
