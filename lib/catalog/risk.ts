import type { Cloud, Risk } from "@/db/schema";
import type { CatalogEntry, RawEntry, RiskTag } from "./types";

type Rule = { tag: RiskTag; test: RegExp };

/** Escalation classes per cloud (SECURITY.md #7). Patterns match the permission name, case-insensitively. */
const RULES: Record<Cloud, Rule[]> = {
  aws: [
    { tag: "privesc:iam-write", test: /^iam:(put|attach|detach|delete)(user|role|group)policy$/i },
    {
      tag: "privesc:iam-write",
      test: /^iam:(createpolicyversion|setdefaultpolicyversion|updateassumerolepolicy)$/i,
    },
    {
      tag: "privesc:iam-write",
      test: /^iam:(addusertogroup|putuserpermissionsboundary|putrolepermissionsboundary)$/i,
    },
    { tag: "privesc:iam-write", test: /^[a-z0-9-]+:(put|set)[a-z]*(resource)?policy$/i },
    { tag: "privesc:pass-role", test: /^iam:passrole$/i },
    {
      tag: "privesc:credentials",
      test: /^iam:(createaccesskey|createloginprofile|updateloginprofile|createservicespecificcredential)$/i,
    },
    {
      tag: "privesc:credentials",
      test: /^sts:(assumerole|assumerolewithsaml|assumerolewithwebidentity|getfederationtoken|getsessiontoken)$/i,
    },
    {
      tag: "privesc:credentials",
      test: /^(eks:accesskubernetesapi|ecr:getauthorizationtoken|secretsmanager:getsecretvalue)$/i,
    },
    { tag: "privesc:run-as", test: /^ssm:(sendcommand|startsession|startautomationexecution)$/i },
    {
      tag: "privesc:run-as",
      test: /^lambda:(createfunction|updatefunctioncode|updatefunctionconfiguration|invokefunction)$/i,
    },
    {
      tag: "privesc:run-as",
      test: /^(ec2:runinstances|ecs:runtask|ecs:starttask|codebuild:startbuild|glue:createdevendpoint)$/i,
    },
    {
      tag: "privesc:run-as",
      test: /^(cloudformation:(createstack|updatestack)|sagemaker:createnotebookinstance)$/i,
    },
  ],
  gcp: [
    { tag: "privesc:iam-write", test: /\.setIamPolicy$/ },
    { tag: "privesc:iam-write", test: /^iam\.roles\.(create|update)$/ },
    { tag: "privesc:pass-role", test: /^iam\.serviceAccounts\.actAs$/ },
    {
      tag: "privesc:credentials",
      test: /^iam\.serviceAccount(Keys\.create|s\.(getAccessToken|signBlob|signJwt|implicitDelegation|getOpenIdToken))$/,
    },
    {
      tag: "privesc:credentials",
      test: /^(container\.clusters\.getCredentials|secretmanager\.versions\.access)$/,
    },
    { tag: "privesc:run-as", test: /^cloudfunctions\.functions\.(create|update|sourceCodeSet)$/ },
    {
      tag: "privesc:run-as",
      test: /^(run\.services\.(create|update)|compute\.instances\.(create|setServiceAccount|setMetadata|osAdminLogin))$/,
    },
    {
      tag: "privesc:run-as",
      test: /^(deploymentmanager\.deployments\.create|cloudbuild\.builds\.create|composer\.environments\.create)$/,
    },
  ],
  azure: [
    {
      tag: "privesc:iam-write",
      test: /^microsoft\.authorization\/(roleassignments|roledefinitions|policyassignments|roleassignmentschedulerequests)\/write$/i,
    },
    { tag: "privesc:iam-write", test: /^microsoft\.authorization\/(\*|\*\/write)$/i },
    {
      tag: "privesc:pass-role",
      test: /^microsoft\.managedidentity\/userassignedidentities\/assign\/action$/i,
    },
    {
      tag: "privesc:credentials",
      test: /\/(listkeys|regeneratekey|listclusteradmincredential|listclusterusercredential|listcredentials?|getaccesstoken)\/action$/i,
    },
    { tag: "privesc:credentials", test: /^microsoft\.keyvault\/vaults\/secrets\/getsecret\/action$/i },
    {
      tag: "privesc:run-as",
      test: /^microsoft\.compute\/virtualmachines\/(runcommand|extensions\/write|runcommands\/write)/i,
    },
    { tag: "privesc:run-as", test: /^microsoft\.web\/sites\/(write|publish\/action|config\/write)$/i },
    { tag: "privesc:run-as", test: /^microsoft\.automation\/automationaccounts\/(runbooks|jobs)\/write$/i },
  ],
  // `<group>/<resource>[/<subresource>]:<verb>`; escalation paths from
  // https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
  kubernetes: [
    { tag: "privesc:iam-write", test: /:(escalate|bind|\*)$/ },
    {
      tag: "privesc:iam-write",
      test: /^(rbac\.authorization\.k8s\.io|\*)\/(roles|clusterroles|rolebindings|clusterrolebindings|\*):(create|update|patch)$/,
    },
    { tag: "privesc:run-as", test: /:impersonate$/ },
    {
      tag: "privesc:run-as",
      test: /^core\/pods\/(exec|attach|ephemeralcontainers):(create|update|patch|get)$/,
    },
    { tag: "privesc:run-as", test: /^core\/(pods:create|nodes\/proxy:(get|create))$/ },
    { tag: "privesc:credentials", test: /^core\/secrets:(get|list|watch)$/ },
    { tag: "privesc:credentials", test: /^core\/serviceaccounts\/token:create$/ },
    {
      tag: "privesc:credentials",
      test: /^certificates\.k8s\.io\/certificatesigningrequests\/approval:(update|patch)$/,
    },
  ],
  // Acting as another person (their password, factors, tokens) or widening access (membership, app
  // assignments, policies): https://developer.okta.com/docs/api/openapi/okta-management/guides/permissions/
  okta: [
    {
      tag: "privesc:credentials",
      test: /^okta\.(users\.(manage|credentials\.(manage|resetfactors|resetpassword|managetemporaryaccesscode)|apitokens\.manage)|authzservers\.manage)$/i,
    },
    {
      tag: "privesc:iam-write",
      test: /^okta\.(users\.(groupmembership|appassignment)\.manage|groups\.(manage|members\.manage|appassignment\.manage)|apps\.(manage|assignment\.manage)|policies\.manage)$/i,
    },
    { tag: "privesc:run-as", test: /^okta\.(identityproviders\.manage|workflows\.invoke)$/i },
  ],
};

/** Reads of customer data (objects, rows, secrets, log contents): tagged so policies can require more. */
const DATA_ACCESS: Record<Cloud, RegExp> = {
  aws: /^(s3:getobject[a-z]*|dynamodb:(getitem|batchgetitem|query|scan)|rds-data:\w+|secretsmanager:getsecretvalue|ssm:getparameters?(bypath)?|kms:decrypt|logs:(getlogevents|filterlogevents|startquery)|athena:getqueryresults|sqs:receivemessage|kinesis:getrecords|rds:downloaddblogfileportion)$/i,
  gcp: /^(storage\.objects\.get|bigquery\.tables\.getData|secretmanager\.versions\.access|logging\.(logEntries\.list|views\.access|privateLogEntries\.list)|spanner\.databases\.read|datastore\.entities\.get|cloudsql\.instances\.(export|connect)|pubsub\.subscriptions\.consume)$/,
  azure:
    /^microsoft\.(storage\/storageaccounts\/(blobservices\/containers\/blobs|fileservices\/fileshares\/files|queueservices\/queues\/messages|tableservices\/tables\/entities)\/read|keyvault\/vaults\/secrets\/getsecret\/action|insights\/logs\/read|operationalinsights\/workspaces\/query\/read)/i,
  kubernetes: /^core\/(pods\/log|secrets|configmaps):(get|list|watch)$/,
  okta: /^okta\.users\.(read|userprofile\.read|apitokens\.read)$/i,
};

const PRIVESC = (t: RiskTag) => t.startsWith("privesc:");

export function riskTags(e: RawEntry): RiskTag[] {
  const tags = new Set<RiskTag>(e.extraRisk ?? []);
  for (const rule of RULES[e.cloud]) if (rule.test.test(e.name)) tags.add(rule.tag);
  if (e.accessLevel === "permissions") tags.add("permissions-management");
  if (e.accessLevel === "write" || e.accessLevel === "permissions" || e.accessLevel === "tagging")
    tags.add("write");
  if (DATA_ACCESS[e.cloud].test(e.name) || (e.dataAction && e.accessLevel === "read"))
    tags.add("data-access");
  return [...tags].sort();
}

/** high: escalation or permissions management; medium: writes or data reads; low: metadata reads. */
export function riskLevelOf(tags: readonly RiskTag[]): Risk {
  if (tags.some((t) => PRIVESC(t) || t === "permissions-management")) return "high";
  if (tags.includes("write") || tags.includes("data-access")) return "medium";
  return "low";
}

export function tagEntry(e: RawEntry): CatalogEntry {
  const { extraRisk: _extra, ...rest } = e;
  const risk = riskTags(e);
  return { ...rest, risk, riskLevel: riskLevelOf(risk) };
}

/** The highest risk level among a set of entries (low when empty). */
export function maxRisk(levels: Iterable<Risk>): Risk {
  let out: Risk = "low";
  for (const l of levels) {
    if (l === "high") return "high";
    if (l === "medium") out = "medium";
  }
  return out;
}
