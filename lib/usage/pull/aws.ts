import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { resolveAws } from "@/lib/targets/credentials";
import type { AwsSettings } from "@/lib/targets/settings";
import type { Json } from "../types";
import { type PullSource, Throttled } from "./source";

/**
 * CloudTrail `LookupEvents` (management events of the last 90 days; 2 requests per second per account and
 * region: docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html). Each event's
 * `CloudTrailEvent` is the full record, read by the same mapper as uploaded files.
 */
export function cloudTrailSource(settings: AwsSettings): PullSource {
  const { material } = resolveAws(settings);
  assertEgressAllowed("aws", settings.endpoint, { ambientCredentials: material === null });
  const client = new CloudTrailClient({
    endpoint: settings.endpoint,
    region: settings.region ?? "us-east-1",
    credentials: material ?? undefined,
    // The runner backs off on throttling itself, so a pass can report it and keep its pace.
    maxAttempts: 1,
  });
  return {
    name: "aws cloudtrail LookupEvents",
    async page(window, token) {
      try {
        const out = await client.send(
          new LookupEventsCommand({
            StartTime: window.start,
            EndTime: window.end,
            MaxResults: 50,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        return {
          records: (out.Events ?? []).map((e) => ({ CloudTrailEvent: e.CloudTrailEvent }) as Json),
          nextToken: out.NextToken ?? null,
        };
      } catch (err) {
        const name = (err as { name?: string }).name ?? "";
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (name === "ThrottlingException" || name === "Throttling" || status === 429) throw new Throttled();
        throw err;
      }
    },
  };
}
