// The controller's IAM policy is the one docs/aws.md shows, read from the docs at deploy time,
// so the docs and the stack cannot drift. The docs write it for a cluster named `prod`: tag
// conditions say "prod" and load balancer and target group ARNs say "ci-prod-*", where "prod" is
// the cluster name as the AWS provider puts it into names (src/Providers.Aws/Naming/AwsNames.cs:
// lower case, runs of other characters one hyphen, cut to 8 characters).

import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../common/deploy";
import { jsonBlockAfter } from "../common/markdown";

export const docsPath = path.join(repoRoot, "docs", "aws.md");
const POLICY_HEADING = "### IAM policy (least privilege)";
/** The cluster name the docs' policy is written for. */
const DOCS_CLUSTER = "prod";

export type PolicyDocument = { Version: string; Statement: Record<string, unknown>[] };

/** The docs' policy, as written (for the cluster `prod`). */
export function docsPolicyTemplate(markdown: string = fs.readFileSync(docsPath, "utf8")): PolicyDocument {
    const policy = jsonBlockAfter(markdown, POLICY_HEADING, "docs/aws.md") as PolicyDocument;
    if (policy?.Version !== "2012-10-17" || !Array.isArray(policy.Statement) || policy.Statement.length === 0) {
        throw new Error(`docs/aws.md: the block under "${POLICY_HEADING}" is not an IAM policy document`);
    }
    return policy;
}

/** The cluster name as load balancer and target group names carry it: AwsNames' cluster part. */
export function clusterNamePart(cluster: string): string {
    const sanitized = cluster.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return sanitized.length <= 8 ? sanitized : sanitized.slice(0, 8).replace(/-+$/, "");
}

/**
 * The docs' policy for `cluster`: every value that is exactly "prod" (the cluster tag the
 * conditions require) becomes the cluster name, and every "ci-prod-" in a resource ARN becomes
 * "ci-<name part>-". Refuses when the docs no longer show both, since then the substitution
 * would silently grant the wrong thing.
 */
export function policyForCluster(cluster: string, template: PolicyDocument = docsPolicyTemplate()): PolicyDocument {
    const namePrefix = `ci-${DOCS_CLUSTER}-`;
    let tags = 0;
    let names = 0;
    const visit = (v: unknown): unknown => {
        if (typeof v === "string") {
            if (v === DOCS_CLUSTER) {
                tags++;
                return cluster; // EKS names are [A-Za-z0-9_-]: the tag value AwsTags.Value gives is the name itself
            }
            if (v.includes(namePrefix)) {
                names++;
                return v.split(namePrefix).join(`ci-${clusterNamePart(cluster)}-`);
            }
            return v;
        }
        if (Array.isArray(v)) return v.map(visit);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
        return v;
    };
    const policy = visit(template) as PolicyDocument;
    if (tags === 0 || names === 0) {
        throw new Error(`docs/aws.md: the IAM policy no longer names the cluster as "${DOCS_CLUSTER}" (tag conditions) and "${namePrefix}*" (ARNs); update infra/eks/policy.ts with the docs`);
    }
    return policy;
}

/** The IRSA trust policy docs/aws.md describes: the cluster's OIDC provider, for one service account and the STS audience only. */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, serviceAccount: { namespace: string; name: string }) {
    const issuer = issuerUrl.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}
