import type { IAMClient } from "@aws-sdk/client-iam";
import type { AwsPartition } from "./config";

/** What each operation needs: the SDK client and the partition for ARNs. */
export type AwsCtx = { client: IAMClient; partition: AwsPartition; now: () => number };
