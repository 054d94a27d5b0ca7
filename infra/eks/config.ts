// The EKS stack's configuration (cloudingress-eks:*, aws:region, and the shared cloudingress:*),
// checked as a whole before anything is declared.

import { ConfigReader } from "../common/config";
import { readSharedConfig, SharedConfig } from "../common/install";
import { subBlock } from "../common/net";

export const PROJECT = "cloudingress-eks";

export interface EksConfig {
    region: string;
    clusterName: string;
    kubernetesVersion: string;
    vpcCidr: string;
    /** Zone names, or how many of the region's available zones to use. */
    availabilityZones: string[] | number;
    privateSubnetCidrs: string[];
    publicSubnetCidrs: string[];
    nodeInstanceTypes: string[];
    nodeCount: number;
    nodeMaxCount: number;
    publicAccessCidrs: string[];
    install: SharedConfig;
}

/** IAM role names are at most 64 characters, and the controller's role is cloudingress-<cluster>. */
const MAX_CLUSTER_NAME = 64 - "cloudingress-".length;

export function readEksConfig(read: ConfigReader = new ConfigReader(PROJECT)): EksConfig {
    const region = read.sibling("aws").requiredString("region", {
        what: "the AWS region of the cluster (also the controller's --aws-region)",
        pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
        expected: "an AWS region such as eu-west-1",
    });
    const clusterName = read.requiredString("clusterName", {
        what: "the EKS cluster's name; it is also the controller's --cluster-name, which names and tags every load balancer it creates",
        pattern: new RegExp(`^[0-9A-Za-z][A-Za-z0-9_-]{0,${MAX_CLUSTER_NAME - 1}}$`),
        expected: `an EKS cluster name: letters, digits, - and _, starting with a letter or digit, at most ${MAX_CLUSTER_NAME} characters (the IAM role cloudingress-<name> must fit in 64)`,
    });
    const kubernetesVersion = read.optionalString("kubernetesVersion", { pattern: /^1\.\d+$/, expected: "a Kubernetes minor version such as 1.33" }) ?? "1.33";

    const vpc = read.cidr("vpcCidr", "10.0.0.0/16", 4);
    if (vpc.prefix < 16 || vpc.prefix > 24) {
        read.problem("vpcCidr", `"${vpc.text}": the VPC must be /16 to /24 (AWS allows /16 at most, and /24 is the smallest that still gives /28 public subnets)`);
    }

    let availabilityZones: string[] | number;
    if (read.has("availabilityZones")) {
        availabilityZones = read.stringList("availabilityZones", [], { pattern: /^[a-z0-9-]+[a-z]$/, expected: "an availability zone name such as eu-west-1a" });
        for (const zone of availabilityZones) {
            if (region && !zone.startsWith(`${region}`)) read.problem("availabilityZones", `"${zone}" is not a zone of ${region}`);
        }
        if (availabilityZones.length < 2 || availabilityZones.length > 3) read.problem("availabilityZones", "give 2 or 3 zones (EKS needs subnets in two zones at least)");
    } else {
        availabilityZones = read.integer("availabilityZoneCount", 2, { min: 2, max: 3, why: "EKS needs two zones at least" });
    }
    const zones = typeof availabilityZones === "number" ? availabilityZones : availabilityZones.length;

    // Private subnets are a quarter of the VPC each (pods take VPC addresses), public ones a
    // sixteenth each, carved out of the last quarter.
    const fits = vpc.prefix >= 16 && vpc.prefix <= 24 && zones >= 2 && zones <= 3;
    const privateSubnetCidrs = fits ? Array.from({ length: zones }, (_, i) => subBlock(vpc.span, vpc.prefix + 2, i)) : [];
    const publicSubnetCidrs = fits ? Array.from({ length: zones }, (_, i) => subBlock(vpc.span, vpc.prefix + 4, 12 + i)) : [];

    const nodeInstanceTypes = read.stringList("nodeInstanceTypes", ["t3.medium"], { pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, expected: "an EC2 instance type such as t3.medium" });
    const nodeCount = read.integer("nodeCount", 2, { min: 1, max: 100 });
    const nodeMaxCount = read.integer("nodeMaxCount", nodeCount, { min: 1, max: 100 });
    if (nodeMaxCount < nodeCount) read.problem("nodeMaxCount", `${nodeMaxCount} is less than nodeCount (${nodeCount})`);

    const publicAccessCidrs = read.stringList("publicAccessCidrs", ["0.0.0.0/0"]);
    for (const c of publicAccessCidrs) read.checkCidr("publicAccessCidrs", c, 4);

    const install = readSharedConfig(read);
    read.check();
    return {
        region,
        clusterName,
        kubernetesVersion,
        vpcCidr: vpc.text,
        availabilityZones,
        privateSubnetCidrs,
        publicSubnetCidrs,
        nodeInstanceTypes,
        nodeCount,
        nodeMaxCount,
        publicAccessCidrs,
        install,
    };
}
