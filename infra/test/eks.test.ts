// infra/eks under Pulumi's mocks: the network, the cluster, IRSA with docs/aws.md's policy, and
// the controller installed as deploy/ with the documented changes.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { StackConfigError } from "../common/config";
import { readDeploy } from "../common/deploy";
import { eksStack } from "../eks/stack";
import { clusterNamePart, docsPath, docsPolicyTemplate, policyForCluster } from "../eks/policy";
import { jsonBlockAfter } from "../common/markdown";
import { configProblems, Declared, mock, one, ofType, settle, valueOf } from "./harness";
import { at, CLOUD_STACK_CHANGES, differences, k8sObjects } from "./k8s";

const ACCOUNT = "123456789012";
const OIDC_ID = "EXAMPLED539D4633E53DE1B71EXAMPLE";
const issuerHost = `oidc.eks.eu-west-1.amazonaws.com/id/${OIDC_ID}`;
const oidcArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerHost}`;

const config = {
    "aws:region": "eu-west-1",
    "cloudingress-eks:clusterName": "Prod_Cluster-01",
    "cloudingress:image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/cloudingress:0.1.0",
};

function cloud(r: { type: string; name: string; inputs: any }): Record<string, unknown> | undefined {
    switch (r.type) {
        case "aws:eks/cluster:Cluster":
            return {
                identities: [{ oidcs: [{ issuer: `https://${issuerHost}` }] }],
                endpoint: "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com",
                certificateAuthority: { data: "Q0EgREFUQQ==" },
            };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { arn: oidcArn };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${ACCOUNT}:role/${r.inputs.name ?? r.name}`, name: r.inputs.name ?? r.name };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${ACCOUNT}:policy/${r.inputs.name ?? r.name}` };
        default:
            return undefined;
    }
}

const zones = { "aws:index/getAvailabilityZones:getAvailabilityZones": { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: [] } };

async function run(overrides: Record<string, unknown> = {}) {
    const declared = await mock("cloudingress-eks", { ...config, ...overrides }, { state: cloud, calls: zones });
    const outputs = eksStack();
    const resolved = {
        roleArn: await valueOf(outputs.roleArn),
        controllerNamespace: await valueOf(outputs.controllerNamespace),
        ingressClassName: await valueOf(outputs.ingressClassName),
        kubeconfig: await valueOf(outputs.kubeconfig),
        vpcId: await valueOf(outputs.vpcId),
    };
    await settle(declared);
    return { declared, outputs: resolved };
}

const subnets = (declared: Declared[], kind: "public" | "private") => ofType(declared, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes(`-${kind}-`));

test("VPC: a public and a private subnet per zone, tagged for the controller's load balancers and the cluster", async () => {
    const { declared } = await run();
    assert.equal(one(declared, "aws:ec2/vpc:Vpc").inputs.cidrBlock, "10.0.0.0/16");
    const pub = subnets(declared, "public");
    const priv = subnets(declared, "private");
    assert.deepEqual(pub.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]), [["10.0.192.0/20", "eu-west-1a"], ["10.0.208.0/20", "eu-west-1b"]]);
    assert.deepEqual(priv.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]), [["10.0.0.0/18", "eu-west-1a"], ["10.0.64.0/18", "eu-west-1b"]]);
    for (const s of pub) {
        assert.equal(s.inputs.tags["kubernetes.io/role/elb"], "1");
        assert.equal(s.inputs.tags["kubernetes.io/role/internal-elb"], undefined);
        assert.equal(s.inputs.tags["kubernetes.io/cluster/Prod_Cluster-01"], "shared");
    }
    for (const s of priv) {
        assert.equal(s.inputs.tags["kubernetes.io/role/internal-elb"], "1");
        assert.equal(s.inputs.tags["kubernetes.io/role/elb"], undefined);
        assert.equal(s.inputs.tags["kubernetes.io/cluster/Prod_Cluster-01"], "shared");
    }
    // Public subnets route to the internet gateway, private ones through the NAT gateway.
    const tables = ofType(declared, "aws:ec2/routeTable:RouteTable");
    assert.deepEqual(tables.map((t) => Object.keys(t.inputs.routes[0]).filter((k) => k.endsWith("Id")).sort()), [["gatewayId"], ["natGatewayId"]]);
    assert.equal(ofType(declared, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 4);
    assert.equal(one(declared, "aws:ec2/natGateway:NatGateway").inputs.subnetId, "Prod_Cluster-01-public-0-id");
});

test("explicit zones and a smaller VPC carve the same shape", async () => {
    const { declared } = await run({ "cloudingress-eks:vpcCidr": "172.20.0.0/20", "cloudingress-eks:availabilityZones": ["eu-west-1b", "eu-west-1c", "eu-west-1a"] });
    assert.deepEqual(subnets(declared, "private").map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]),
        [["172.20.0.0/22", "eu-west-1b"], ["172.20.4.0/22", "eu-west-1c"], ["172.20.8.0/22", "eu-west-1a"]]);
    assert.deepEqual(subnets(declared, "public").map((s) => s.inputs.cidrBlock), ["172.20.12.0/24", "172.20.13.0/24", "172.20.14.0/24"]);
});

test("EKS cluster with its OIDC provider, nodes in the private subnets", async () => {
    const { declared } = await run();
    const cluster = one(declared, "aws:eks/cluster:Cluster").inputs;
    assert.equal(cluster.name, "Prod_Cluster-01");
    assert.equal(cluster.version, "1.33");
    assert.deepEqual(cluster.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    assert.equal(cluster.vpcConfig.subnetIds.length, 4);
    const oidc = one(declared, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs;
    assert.equal(oidc.url, `https://${issuerHost}`);
    assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
    const nodes = one(declared, "aws:eks/nodeGroup:NodeGroup").inputs;
    assert.deepEqual(nodes.subnetIds, subnets(declared, "private").map((s) => `${s.name}-id`));
    assert.deepEqual(nodes.scalingConfig, { desiredSize: 2, minSize: 2, maxSize: 2 });
});

test("IRSA: the role trusts only the controller's service account, with the STS audience, as docs/aws.md shows", async () => {
    const { declared, outputs } = await run();
    const role = one(declared, "aws:iam/role:Role", "Prod_Cluster-01-cloudingress").inputs;
    assert.equal(role.name, "cloudingress-Prod_Cluster-01");
    const trust = JSON.parse(role.assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
        [`${issuerHost}:sub`]: "system:serviceaccount:cloudingress:cloudingress",
        [`${issuerHost}:aud`]: "sts.amazonaws.com",
    });
    assert.deepEqual(trust.Statement[0].Principal, { Federated: oidcArn });
    // The whole document is the docs' example with the placeholders filled in.
    const docs = JSON.stringify(jsonBlockAfter(fs.readFileSync(docsPath, "utf8"), "## Credentials and IRSA", "docs/aws.md"))
        .replaceAll("ACCOUNT", ACCOUNT).replaceAll("REGION", "eu-west-1").replaceAll("OIDC_ID", OIDC_ID);
    assert.deepEqual(trust, JSON.parse(docs));
    assert.equal(outputs.roleArn, `arn:aws:iam::${ACCOUNT}:role/cloudingress-Prod_Cluster-01`);
});

test("the role carries exactly docs/aws.md's policy, for this cluster's name and tag", async () => {
    const { declared } = await run();
    const policy = one(declared, "aws:iam/policy:Policy").inputs;
    assert.equal(policy.name, "cloudingress-Prod_Cluster-01");
    const document = JSON.parse(policy.policy);
    // The docs' block, with "prod" (the tag) and "ci-prod-" (the names) replaced, and nothing else.
    const expected = JSON.parse(JSON.stringify(docsPolicyTemplate()).replaceAll('"prod"', '"Prod_Cluster-01"').replaceAll("ci-prod-", "ci-prod-clu-"));
    assert.deepEqual(document, expected);
    const arns: string[] = document.Statement.find((s: any) => s.Sid === "LoadBalancersAndTargetGroupsNamedForThisCluster").Resource;
    assert.ok(arns.length > 0 && arns.every((a) => a.includes("/ci-prod-clu-*/")), arns.join(", "));
    const tagged = document.Statement.filter((s: any) => s.Condition).map((s: any) => Object.values(s.Condition.StringEquals)[0]);
    assert.deepEqual(tagged, ["Prod_Cluster-01", "Prod_Cluster-01", "Prod_Cluster-01", "Prod_Cluster-01"]);
    const attachment = one(declared, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "Prod_Cluster-01-cloudingress").inputs;
    assert.deepEqual([attachment.role, attachment.policyArn], ["cloudingress-Prod_Cluster-01", `arn:aws:iam::${ACCOUNT}:policy/cloudingress-Prod_Cluster-01`]);
});

test("the cluster's name part in ARNs is the controller's (shared cases with AwsNames.cs)", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "aws-cluster-name-parts.json"), "utf8"));
    for (const c of fixture.cases) assert.equal(clusterNamePart(c.cluster), c.part, c.cluster);
});

test("a docs policy without the `prod` placeholders is refused rather than granted as is", () => {
    const template = docsPolicyTemplate();
    assert.deepEqual(policyForCluster("prod", template), template);
    const renamed = JSON.parse(JSON.stringify(template).replaceAll('"prod"', '"production"'));
    assert.throws(() => policyForCluster("demo", renamed), /no longer names the cluster as "prod"/);
    assert.throws(() => docsPolicyTemplate("# AWS\n\nno policy here\n"), /no heading "### IAM policy \(least privilege\)"/);
    assert.throws(() => docsPolicyTemplate("### IAM policy (least privilege)\n\n```json\n{ nope\n```\n"), /does not parse/);
});

test("CloudIngress: deploy/'s objects with --provider=aws, the cluster, region and VPC, and the role on its ServiceAccount", async () => {
    const { declared, outputs } = await run();
    const objects = k8sObjects(declared);
    assert.deepEqual(differences(readDeploy(), objects), CLOUD_STACK_CHANGES);
    const deployment = objects.find((o) => o.kind === "Deployment")!;
    const container = at(deployment, "spec.template.spec.containers[0]");
    assert.equal(container.image, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/cloudingress:0.1.0");
    assert.deepEqual(container.args.slice(0, 5), ["run", "--provider=aws", "--cluster-name=Prod_Cluster-01", "--aws-region=eu-west-1", `--aws-vpc-id=${outputs.vpcId}`]);
    assert.ok(!container.args.includes("--provider=kestrel"));
    const sa = objects.find((o) => o.kind === "ServiceAccount")!;
    assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": outputs.roleArn });
    assert.equal(objects.find((o) => o.kind === "Service")!.spec.type, "ClusterIP");
    assert.deepEqual([outputs.controllerNamespace, outputs.ingressClassName], ["cloudingress", "cloudingress"]);
    // The kubeconfig output authenticates with `aws eks get-token`: it holds no credential.
    const kubeconfig = JSON.parse(outputs.kubeconfig);
    assert.equal(kubeconfig.users[0].user.exec.command, "aws");
    assert.deepEqual(Object.keys(kubeconfig.users[0].user), ["exec"]);
});

test("bad configuration fails with every problem named, before any resource is declared", async () => {
    const declared = await mock("cloudingress-eks", {
        "aws:region": "eu-west-1",
        "cloudingress-eks:vpcCidr": "10.0.0.0/33",
        "cloudingress-eks:publicAccessCidrs": ["203.0.113.7/24"],
        "cloudingress-eks:nodeCount": "three",
    }, { state: cloud, calls: zones });
    assert.throws(() => eksStack(), (e: unknown) => {
        assert.ok(e instanceof StackConfigError);
        assert.match(e.message, /^invalid stack configuration:/);
        assert.deepEqual(e.problems.map((p) => p.split(/[ :]/).slice(0, 2).join(":")), [
            "cloudingress-eks:clusterName", "cloudingress-eks:vpcCidr", "cloudingress-eks:nodeCount", "cloudingress-eks:publicAccessCidrs", "cloudingress:image",
        ]);
        assert.match(e.problems[0], /cloudingress-eks:clusterName is required: the EKS cluster's name/);
        assert.match(e.problems[1], /"10.0.0.0\/33" is not a CIDR block: the prefix length must be 0 to 32/);
        assert.match(e.problems[3], /"203.0.113.7\/24" has host bits set; the block is 203.0.113.0\/24/);
        return true;
    });
    await settle(declared);
    assert.deepEqual(declared, []);
});

test("a region, zones or a VPC size AWS would refuse are caught in config", async () => {
    const problems = (overrides: Record<string, unknown>) => configProblems("cloudingress-eks", { ...config, ...overrides }, eksStack, { state: cloud, calls: zones });
    assert.match((await problems({ "aws:region": "Ireland" }))[0], /^aws:region: "Ireland" is not an AWS region such as eu-west-1/);
    assert.match((await problems({ "cloudingress-eks:vpcCidr": "10.0.0.0/8" }))[0], /the VPC must be \/16 to \/24/);
    assert.match((await problems({ "cloudingress-eks:vpcCidr": "fd00::/56" }))[0], /"fd00::\/56" is not an IPv4 CIDR block/);
    assert.match((await problems({ "cloudingress-eks:availabilityZones": ["us-east-1a", "eu-west-1b"] }))[0], /"us-east-1a" is not a zone of eu-west-1/);
    assert.match((await problems({ "cloudingress-eks:availabilityZoneCount": "1" }))[0], /from 2 to 3 \(EKS needs two zones at least\)/);
    assert.match((await problems({ "cloudingress-eks:clusterName": "-bad" }))[0], /"-bad" is not an EKS cluster name/);
    assert.match((await problems({ "cloudingress-eks:clusterName": "a".repeat(52) }))[0], /at most 51 characters/);
});
