// infra/eks: a VPC, an EKS cluster with its OIDC provider, the controller's IAM role (IRSA) with
// exactly docs/aws.md's policy, and CloudIngress installed with --provider=aws.

import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "../common/config";
import { readDeploy } from "../common/deploy";
import { installCloudIngress, serviceAccountOf } from "../common/install";
import { PROJECT, readEksConfig } from "./config";
import { irsaTrustPolicy, policyForCluster } from "./policy";

const assumeRole = (service: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

export function eksStack(read: ConfigReader = new ConfigReader(PROJECT)) {
    // Everything that can be wrong with the input is found before the first resource.
    const cfg = readEksConfig(read);
    const base = readDeploy();
    const serviceAccount = serviceAccountOf(base);
    const policyDocument = policyForCluster(cfg.clusterName);
    const name = cfg.clusterName;
    const clusterTag = { [`kubernetes.io/cluster/${name}`]: "shared" };

    // Network: one public and one private subnet per zone, tagged for load balancers (the
    // controller picks subnets by these tags), one NAT gateway for the private subnets.
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: cfg.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } });
    const zones = typeof cfg.availabilityZones === "number"
        ? aws.getAvailabilityZonesOutput({ state: "available" }).names.apply((names) => {
              if (names.length < (cfg.availabilityZones as number)) {
                  throw new Error(`${PROJECT}:availabilityZoneCount is ${cfg.availabilityZones} but ${cfg.region} has ${names.length} available zones`);
              }
              return names;
          })
        : pulumi.output(cfg.availabilityZones);
    const zoneAt = (i: number) => zones.apply((z) => z[i]);

    // A route table for one kind of subnet (its default route), and one subnet per zone using it.
    const tier = (kind: "public" | "private", cidrs: string[], route: aws.types.input.ec2.RouteTableRoute, roleTag: string) => {
        const routes = new aws.ec2.RouteTable(`${name}-${kind}`, { vpcId: vpc.id, routes: [route], tags: { Name: `${name}-${kind}` } });
        return cidrs.map((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-${kind}-${i}`, {
                vpcId: vpc.id,
                cidrBlock,
                availabilityZone: zoneAt(i),
                tags: { Name: `${name}-${kind}-${i}`, ...clusterTag, [roleTag]: "1" },
            });
            new aws.ec2.RouteTableAssociation(`${name}-${kind}-${i}`, { subnetId: subnet.id, routeTableId: routes.id });
            return subnet;
        });
    };
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } });
    const publicSubnets = tier("public", cfg.publicSubnetCidrs, { cidrBlock: "0.0.0.0/0", gatewayId: igw.id }, "kubernetes.io/role/elb");
    const natAddress = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: { Name: `${name}-nat` } });
    const nat = new aws.ec2.NatGateway(`${name}-nat`, { subnetId: publicSubnets[0].id, allocationId: natAddress.id, tags: { Name: `${name}-nat` } }, { dependsOn: [igw] });
    const privateSubnets = tier("private", cfg.privateSubnetCidrs, { cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, "kubernetes.io/role/internal-elb");

    // The cluster: API authentication (the identity running `pulumi up` gets cluster admin),
    // nodes in the private subnets.
    const clusterRole = new aws.iam.Role(`${name}-cluster`, { assumeRolePolicy: assumeRole("eks.amazonaws.com") });
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: clusterRole.name, policyArn: aws.iam.ManagedPolicy.AmazonEKSClusterPolicy });
    const cluster = new aws.eks.Cluster(name, {
        name,
        version: cfg.kubernetesVersion,
        roleArn: clusterRole.arn,
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        vpcConfig: {
            subnetIds: [...privateSubnets, ...publicSubnets].map((s) => s.id),
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: cfg.publicAccessCidrs,
        },
    }, { dependsOn: [clusterPolicy] });

    const nodeRole = new aws.iam.Role(`${name}-nodes`, { assumeRolePolicy: assumeRole("ec2.amazonaws.com") });
    const nodePolicies = [aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy, aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy, aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly]
        .map((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${i}`, { role: nodeRole.name, policyArn }));
    const nodes = new aws.eks.NodeGroup(`${name}-nodes`, {
        clusterName: cluster.name,
        nodeRoleArn: nodeRole.arn,
        subnetIds: privateSubnets.map((s) => s.id),
        instanceTypes: cfg.nodeInstanceTypes,
        scalingConfig: { desiredSize: cfg.nodeCount, minSize: cfg.nodeCount, maxSize: cfg.nodeMaxCount },
    }, { dependsOn: nodePolicies });

    // IRSA: the cluster's OIDC issuer trusted by IAM, and a role only the controller's service
    // account may assume, carrying docs/aws.md's policy.
    const issuer = cluster.identities.apply((ids) => ids[0].oidcs[0].issuer);
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuer, clientIdLists: ["sts.amazonaws.com"] });
    const role = new aws.iam.Role(`${name}-cloudingress`, {
        name: `cloudingress-${name}`,
        description: `CloudIngress controller of EKS cluster ${name} (IRSA: ${serviceAccount.namespace}/${serviceAccount.name})`,
        assumeRolePolicy: pulumi.all([oidc.arn, issuer]).apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, serviceAccount))),
    });
    const policy = new aws.iam.Policy(`${name}-cloudingress`, {
        name: `cloudingress-${name}`,
        description: "CloudIngress least privilege (docs/aws.md)",
        policy: JSON.stringify(policyDocument),
    });
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-cloudingress`, { role: role.name, policyArn: policy.arn });

    // Kubernetes, reached with the caller's AWS identity (`aws eks get-token`).
    const kubeconfig = pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([clusterName, endpoint, ca]) =>
        JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
            contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
            "current-context": clusterName,
            users: [{
                name: clusterName,
                user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName, "--region", cfg.region] } },
            }],
        }));
    const kubernetes = new k8s.Provider(`${name}-k8s`, { kubeconfig });

    const install = installCloudIngress(cfg.install, {
        base,
        providerFlags: [
            { flag: "--provider", value: "aws" },
            { flag: "--cluster-name", value: name },
            { flag: "--aws-region", value: cfg.region },
            // Without it the controller would look for the account's default VPC.
            { flag: "--aws-vpc-id", value: vpc.id },
        ],
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role.arn },
        proxyServiceType: "ClusterIP",
    }, { providers: [kubernetes], dependsOn: [nodes, attachment] });

    return {
        clusterName: cluster.name,
        kubeconfig,
        vpcId: vpc.id,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        privateSubnetIds: privateSubnets.map((s) => s.id),
        controllerNamespace: install.namespace,
        ingressClassName: install.ingressClassName,
        roleArn: role.arn,
    };
}
