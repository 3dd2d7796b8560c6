import type { Catalog } from "./catalog";
import type { ResourceKind } from "./resources";

/**
 * Where an AWS action may act when a request names one resource: `arns` are exact ARNs of that resource
 * (and of what lives inside it); `star` actions support only "*"; `refused` ones act on other types.
 */
export type AwsScope = { arns: string[] } | { star: string } | { refused: string };

type Place = { partition: string; region: string; account: string; name: string };
type ArnsFor = (p: Place) => string[];

/**
 * ARN shapes per kind, keyed `service:resource-type` as in the Service Authorization Reference (iam-data).
 * Each keeps the service's own placement of region and account: S3 leaves both empty.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
const SHAPES: Partial<Record<ResourceKind, Record<string, ArnsFor>>> = {
  instance: {
    "ec2:instance": (p) => [`arn:${p.partition}:ec2:${p.region}:${p.account}:instance/${p.name}`],
    // StartSession is also authorised on the session document: the default shell and the SSH document.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
    "ssm:document": (p) => [
      `arn:${p.partition}:ssm:${p.region}:${p.account}:document/SSM-SessionManagerRunShell`,
      `arn:${p.partition}:ssm:${p.region}:*:document/AWS-StartSSHSession`,
    ],
    // Sessions are named after the caller: end and resume only one's own (example 4 on the page above).
    "ssm:session": (p) => [`arn:${p.partition}:ssm:${p.region}:${p.account}:session/\${aws:userid}-*`],
  },
  bucket: {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
    "s3:bucket": (p) => [`arn:${p.partition}:s3:::${p.name}`],
    "s3:object": (p) => [`arn:${p.partition}:s3:::${p.name}/*`],
  },
  database: {
    "rds:db": (p) => [`arn:${p.partition}:rds:${p.region}:${p.account}:db:${p.name}`],
  },
  cluster: {
    "eks:cluster": (p) => [`arn:${p.partition}:eks:${p.region}:${p.account}:cluster/${p.name}`],
    "eks:nodegroup": (p) => [`arn:${p.partition}:eks:${p.region}:${p.account}:nodegroup/${p.name}/*/*`],
    "eks:addon": (p) => [`arn:${p.partition}:eks:${p.region}:${p.account}:addon/${p.name}/*/*`],
  },
  secret: {
    // The ARN ends in "-" and six random characters; "??????" matches exactly those.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
    "secretsmanager:secret": (p) => [
      `arn:${p.partition}:secretsmanager:${p.region}:${p.account}:secret:${p.name}-??????`,
    ],
  },
  function: {
    // Unqualified and qualified (version or alias) ARNs of the one function.
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
    "lambda:function": (p) => [
      `arn:${p.partition}:lambda:${p.region}:${p.account}:function:${p.name}`,
      `arn:${p.partition}:lambda:${p.region}:${p.account}:function:${p.name}:*`,
    ],
  },
  "log-group": {
    // Logs actions on a log group are authorised on `log-group:<name>:*`; both forms are listed.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
    "logs:log-group": (p) => [
      `arn:${p.partition}:logs:${p.region}:${p.account}:log-group:${p.name}`,
      `arn:${p.partition}:logs:${p.region}:${p.account}:log-group:${p.name}:*`,
    ],
    "logs:log-stream": (p) => [
      `arn:${p.partition}:logs:${p.region}:${p.account}:log-group:${p.name}:log-stream:*`,
    ],
  },
};

/**
 * `service:type` of a resource type, the service read from its ARN template: ssm:StartSession's "instance"
 * is EC2's instance (`arn:${Partition}:ec2:…`), not an SSM type.
 */
export function resourceTypeKey(catalog: Catalog, actionService: string, type: string): string {
  const key = type.replace(/\?$/, "").toLowerCase();
  const arnService = catalog.awsArn(actionService, key)?.split(":")[2];
  return `${(arnService ?? actionService).toLowerCase()}:${key}`;
}

/**
 * The ARNs one action needs to act on the named resource, from the catalog's resource types for the action:
 * only types that belong to the kind are narrowed; an action with no resource types supports only "*".
 */
export function awsScopeFor(
  catalog: Catalog,
  action: string,
  kind: ResourceKind,
  place: Omit<Place, "region"> & { region: string | null },
): AwsScope {
  const entry = catalog.get("aws", action);
  if (!entry) return { refused: "not in the catalog" };
  if (entry.resourceTypes.length === 0)
    return { star: 'supports no resource-level permissions, only "*": it applies account-wide' };
  const p: Place = { ...place, region: place.region ?? "*" };
  const arns = new Set<string>();
  for (const t of entry.resourceTypes) {
    const shape = SHAPES[kind]?.[resourceTypeKey(catalog, entry.service, t)];
    for (const arn of shape?.(p) ?? []) arns.add(arn);
  }
  if (arns.size === 0) {
    const types = entry.resourceTypes.map((t) => t.replace(/\?$/, "")).join(", ");
    return { refused: `it acts on ${types}, not on a ${kind}` };
  }
  return { arns: [...arns].sort() };
}
