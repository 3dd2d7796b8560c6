import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { createGzip } from "node:zlib";

/** Deterministic PRNG (mulberry32): the same seed writes the same files. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CALLS: [string, string][] = [
  ["s3.amazonaws.com", "GetObject"],
  ["s3.amazonaws.com", "ListObjects"],
  ["s3.amazonaws.com", "PutObject"],
  ["ec2.amazonaws.com", "DescribeInstances"],
  ["ec2.amazonaws.com", "StartInstances"],
  ["iam.amazonaws.com", "GetRole"],
  ["sts.amazonaws.com", "AssumeRole"],
  ["kms.amazonaws.com", "Decrypt"],
  ["secretsmanager.amazonaws.com", "GetSecretValue"],
  ["monitoring.amazonaws.com", "GetMetricData"],
  ["lambda.amazonaws.com", "Invoke"],
  ["dynamodb.amazonaws.com", "GetItem"],
  ["signin.amazonaws.com", "ConsoleLogin"],
];

const hex = (r: () => number, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
};
const uuid = (r: () => number) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;

/** One CloudTrail record of about 1 KB, shaped like S3 delivery records. */
export function cloudTrailRecord(r: () => number, account: string, sessions: string[], t: number): string {
  const [source, name] = CALLS[Math.floor(r() * CALLS.length)];
  const grant = sessions.length && r() < 0.4 ? sessions[Math.floor(r() * sessions.length)] : null;
  const arn = grant
    ? `arn:aws:sts::${account}:assumed-role/elevate-${grant}/${grant}`
    : `arn:aws:sts::${account}:assumed-role/Team${Math.floor(r() * 20)}/user${Math.floor(r() * 500)}`;
  const denied = r() < 0.03;
  return JSON.stringify({
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROA${hex(r, 16).toUpperCase()}:session`,
      arn,
      accountId: account,
      accessKeyId: `ASIA${hex(r, 16).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: `AROA${hex(r, 16)}`,
          arn: arn.replace(":sts:", ":iam:"),
          accountId: account,
        },
        attributes: { creationDate: new Date(t - 600_000).toISOString(), mfaAuthenticated: "false" },
      },
    },
    eventTime: new Date(t).toISOString().replace(".000Z", "Z"),
    eventSource: source,
    eventName: name,
    awsRegion: "eu-west-1",
    sourceIPAddress: `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    userAgent: "aws-sdk-js/3.600.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0 api/s3#3.600.0",
    ...(denied
      ? { errorCode: "AccessDenied", errorMessage: "User is not authorized to perform this action" }
      : {}),
    requestParameters: { bucketName: `bucket-${Math.floor(r() * 50)}`, key: `data/${hex(r, 12)}.parquet` },
    responseElements: null,
    requestID: hex(r, 16).toUpperCase(),
    eventID: uuid(r),
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: source !== "s3.amazonaws.com",
    recipientAccountId: account,
    eventCategory: source === "s3.amazonaws.com" ? "Data" : "Management",
  });
}

/**
 * Writes `events` records as S3-delivery files (`{"Records":[…]}`, `perFile` each), alternately plain and
 * gzip. Returns the paths and the bytes written before compression.
 */
export async function writeTrailFiles(
  dir: string,
  opts: {
    seed: number;
    events: number;
    perFile: number;
    account: string;
    sessions: string[];
    gzipEvery?: number;
  },
): Promise<{ files: string[]; bytes: number }> {
  const r = rng(opts.seed);
  const files: string[] = [];
  let bytes = 0;
  const t0 = Date.now() - 3_600_000;
  for (let f = 0, done = 0; done < opts.events; f++) {
    const gz = opts.gzipEvery ? f % opts.gzipEvery === 1 : false;
    const file = `${dir}/trail-${String(f).padStart(5, "0")}.json${gz ? ".gz" : ""}`;
    const out = createWriteStream(file);
    const sink = gz ? createGzip({ level: 1 }) : null;
    if (sink) sink.pipe(out);
    const w = sink ?? out;
    const write = async (s: string) => {
      bytes += Buffer.byteLength(s);
      if (!w.write(s)) await once(w, "drain");
    };
    await write('{"Records":[');
    const n = Math.min(opts.perFile, opts.events - done);
    for (let i = 0; i < n; i++) {
      await write(`${i ? "," : ""}${cloudTrailRecord(r, opts.account, opts.sessions, t0 + (done + i) * 10)}`);
    }
    await write("]}");
    done += n;
    w.end();
    await once(out, "finish");
    files.push(file);
  }
  return { files, bytes };
}
