import type { Cloud } from "@/db/schema";

/**
 * Permissions whose calls the clouds do not log by default, by family. Absence of such calls proves
 * nothing, so right-sizing keeps them unless the window holds at least one call of the same family
 * (then that kind of logging is on). Sources: CloudTrail data events (S3 object, Lambda invoke, DynamoDB
 * item calls) are off by default; GCP Data Access logs (reads and data writes) are off except BigQuery;
 * the Azure Activity Log records no reads and no data-plane actions.
 */
export function unloggedFamily(cloud: Cloud, permission: string): string | null {
  const p = permission.toLowerCase();
  if (cloud === "aws") {
    if (
      p.startsWith("s3:") &&
      (p.includes("object") || p === "s3:listbucket" || p === "s3:listbucketversions")
    )
      return "aws:s3-data";
    if (p === "lambda:invokefunction" || p === "lambda:invokefunctionurl") return "aws:lambda-invoke";
    if (p.startsWith("dynamodb:") && /item|query|scan/.test(p)) return "aws:dynamodb-data";
    return null;
  }
  if (cloud === "gcp") {
    if (p.startsWith("bigquery.")) return null;
    if (p.startsWith("storage.objects.")) return "gcp:data-access";
    if (p.endsWith(".get") || p.endsWith(".list") || p.endsWith(".getiampolicy")) return "gcp:data-access";
    return null;
  }
  if (p.endsWith("/read")) return "azure:read";
  if (p.includes("/blobs/") || p.includes("/messages/") || p.includes("/secrets/getsecret"))
    return "azure:data-plane";
  return null;
}
