import { IAMClient } from "@aws-sdk/client-iam";
import { type FakeIam, startFakeIam } from "./index";

export const FAKE_KEY = { accessKeyId: "AKIAFAKEIAMTEST00001", secretAccessKey: "not-a-secret" };
export const FAKE_PRINCIPAL = "arn:aws:iam::123456789012:user/alice";

/** A fake IAM and a real SDK client pointed at it, with no retries so each refusal is one call. */
export async function fakeIamClient(): Promise<{ fake: FakeIam; iam: IAMClient }> {
  const fake = await startFakeIam({ accessKeyId: FAKE_KEY.accessKeyId, principals: [FAKE_PRINCIPAL] });
  const iam = new IAMClient({
    endpoint: fake.url,
    region: "us-east-1",
    credentials: FAKE_KEY,
    maxAttempts: 1,
  });
  return { fake, iam };
}

/** The IAM error code a call failed with, or "ok". */
export function errorCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "ok",
    (e: { Code?: string; name: string }) => e.Code ?? e.name,
  );
}

export const trustDoc = (statement: Record<string, unknown> = {}) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: FAKE_PRINCIPAL }, Action: "sts:AssumeRole", ...statement },
    ],
  });

export const allowDoc = (statement: Record<string, unknown> = {}, version = "2012-10-17") =>
  JSON.stringify({
    Version: version,
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*", ...statement }],
  });
