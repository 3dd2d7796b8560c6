import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { awsTarget, TEST_CREDENTIALS } from "@/lib/clouds/aws/testing";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { awsAdapter } from "./aws";
import { classifyAwsError } from "./aws/errors";
import { azureAdapter } from "./azure";
import {
  credentialVarProblem,
  type EgressPolicy,
  endpointProblem,
  isInternalHost,
  isMetadataHost,
  parseAllowlist,
  scrubNetworkDetail,
  UNREACHABLE,
} from "./egress";
import { gcpAdapter } from "./gcp";
import { CloudError } from "./port";

const policy = (allowlist = "", prefixes = "ELEVATE_CLOUD_"): EgressPolicy => ({
  allowlist: parseAllowlist(allowlist).entries,
  credentialPrefixes: prefixes.split(","),
});

describe("addresses", () => {
  it("knows loopback, private, link-local and metadata addresses in every spelling a URL allows", () => {
    const host = (url: string) => new URL(url).hostname;
    for (const url of [
      "http://127.0.0.1",
      "http://127.1.2.3",
      "http://2130706433", // 127.0.0.1 as one number
      "http://0x7f.1", // hex
      "http://localhost",
      "http://api.localhost",
      "http://[::1]",
      "http://0.0.0.0",
      "http://10.0.0.1",
      "http://172.16.0.1",
      "http://172.31.255.255",
      "http://192.168.0.1",
      "http://100.64.0.1",
      "http://169.254.169.254",
      "http://[fd00:ec2::254]",
      "http://[fe80::1]",
      "http://[fc00::1]",
      "http://[::ffff:10.0.0.1]",
      "http://[::ffff:169.254.169.254]",
    ]) {
      expect(isInternalHost(host(url)), url).toBe(true);
    }
    for (const url of [
      "https://8.8.8.8",
      "https://172.32.0.1",
      "https://iam.amazonaws.com",
      "https://[2606:4700::1111]",
    ]) {
      expect(isInternalHost(host(url)), url).toBe(false);
    }
    for (const url of [
      "http://169.254.169.254",
      "http://169.254.170.2",
      "http://[fd00:ec2::254]",
      "http://[::ffff:169.254.169.254]",
      "http://metadata.google.internal",
      "http://100.100.100.200",
    ]) {
      expect(isMetadataHost(host(url)), url).toBe(true);
    }
    expect(isMetadataHost("127.0.0.1")).toBe(false);
  });
});

describe("the operator's allowlist", () => {
  it("takes exact origins; http and the port wildcard on loopback only; never metadata", () => {
    const { entries, invalid } = parseAllowlist(
      [
        "http://127.0.0.1:*",
        "https://localhost:*",
        "https://[::1]:8443",
        "https://iam.vpce.example.com",
        "https://proxy.example.com:8443/",
        "http://proxy.example.com:8080", // plain http off loopback
        "https://proxy.example.com:*", // wildcard off loopback
        "https://169.254.169.254", // metadata
        "https://example.com/path", // not an origin
        "https://user@example.com",
        "https://example.com:70000",
        "*",
        "",
      ].join(","),
    );
    expect(entries).toEqual([
      { protocol: "http:", hostname: "127.0.0.1", port: "*" },
      { protocol: "https:", hostname: "localhost", port: "*" },
      { protocol: "https:", hostname: "[::1]", port: 8443 },
      { protocol: "https:", hostname: "iam.vpce.example.com", port: 443 },
      { protocol: "https:", hostname: "proxy.example.com", port: 8443 },
    ]);
    expect(invalid).toHaveLength(7);
  });

  it("allows only what it lists, to the port", () => {
    const p = policy("http://127.0.0.1:*,https://iam.vpce.example.com");
    expect(endpointProblem("aws", "http://127.0.0.1:4566", p)).toBeUndefined();
    expect(endpointProblem("aws", "https://iam.vpce.example.com/", p)).toBeUndefined();
    expect(endpointProblem("aws", "https://iam.vpce.example.com:444", p)).toMatch(
      /official AWS IAM endpoint/,
    );
    expect(endpointProblem("aws", "https://127.0.0.1:4566", p)).toMatch(/loopback, private or link-local/);
    expect(endpointProblem("aws", "http://localhost:4566", p)).toMatch(/loopback/);
  });
});

describe("endpoint and credential rules", () => {
  it("without an allowlist: the cloud's official hosts only, over https on 443", () => {
    const p = policy();
    expect(endpointProblem("aws", "https://iam.amazonaws.com", p)).toBeUndefined();
    expect(endpointProblem("aws", "https://iam.amazonaws.com:443/", p)).toBeUndefined();
    expect(endpointProblem("gcp", "https://cloudresourcemanager.googleapis.com", p)).toBeUndefined();
    expect(endpointProblem("azure", "https://management.chinacloudapi.cn", p)).toBeUndefined();
    for (const [cloud, url] of [
      ["aws", "http://iam.amazonaws.com"],
      ["aws", "https://iam.amazonaws.com:8443"],
      ["aws", "https://IAM.amazonaws.com.evil.example"],
      ["gcp", "https://iam.amazonaws.com"],
      ["azure", "https://10.1.2.3"],
      ["azure", "ftp://management.azure.com"],
      ["aws", "not a url"],
    ] as const) {
      expect(endpointProblem(cloud, url, p), url).toBeDefined();
    }
    expect(endpointProblem("aws", "https://169.254.169.254", p)).toMatch(/metadata/);
  });

  it("credential variables under the prefix only, the prefix alone not", () => {
    expect(credentialVarProblem("ELEVATE_CLOUD_AWS_KEY", policy())).toBeUndefined();
    expect(credentialVarProblem("ELEVATE_CLOUD_", policy())).toMatch(/must start with ELEVATE_CLOUD_/);
    expect(credentialVarProblem("PATH", policy())).toMatch(/ELEVATE_CLOUD_CREDENTIAL_PREFIX/);
    expect(credentialVarProblem("TEAM_A_KEY", policy("", "TEAM_A_,TEAM_B_"))).toBeUndefined();
    expect(credentialVarProblem("TEAM_C_KEY", policy("", "TEAM_A_,TEAM_B_"))).toMatch(/TEAM_A_ or TEAM_B_/);
  });
});

describe("adapters refuse when built, not only when settings are saved", () => {
  it("an endpoint outside the rules, or ambient credentials towards a non-official one, fail before any request", () => {
    const refused = [
      () => awsAdapter({ endpoint: "https://169.254.169.254", credentials: TEST_CREDENTIALS }),
      () => awsAdapter({ endpoint: "https://10.0.0.1", credentials: TEST_CREDENTIALS }),
      () => awsAdapter({ endpoint: "http://127.0.0.1:4566" }), // allowlisted in tests, but the default chain
      () => gcpAdapter({ iamUrl: "https://evil.example", authClient: fixedTokenClient() }),
      () => gcpAdapter({ iamUrl: "http://127.0.0.1:4566", resourceManagerUrl: "http://127.0.0.1:4566" }),
      () => azureAdapter({ endpoint: "https://192.168.0.10", credential: fixedTokenCredential() }),
    ];
    for (const make of refused) {
      expect(make).toThrow(CloudError);
    }
    expect(() => awsAdapter({})).not.toThrow();
    expect(() => gcpAdapter()).not.toThrow();
    expect(() => awsAdapter({ endpoint: "https://iam.amazonaws.com" })).not.toThrow();
  });
});

describe("errors without network detail", () => {
  it("scrubs URLs, addresses and host:port pairs; a network failure reads 'could not reach the endpoint'", () => {
    expect(scrubNetworkDetail("connect ECONNREFUSED 127.0.0.1:5432")).toBe(UNREACHABLE);
    expect(scrubNetworkDetail("getaddrinfo ENOTFOUND internal.corp")).toBe(UNREACHABLE);
    expect(
      scrubNetworkDetail(
        "invalid json response body at http://10.0.0.5:8080/v1/roles reason: Unexpected token",
      ),
    ).toBe("invalid json response body at [endpoint] reason: Unexpected token");
    expect(scrubNetworkDetail("upstream 10.1.2.3:443 and [fd00::1]:80 and db.internal.example:5432")).toBe(
      "upstream [address] and [address] and [address]",
    );
    // Cloud identifiers survive.
    const arn =
      "User: arn:aws:iam::123456789012:user/x is not authorized on //cloudresourcemanager.googleapis.com/projects/p";
    expect(scrubNetworkDetail(arn)).toBe(arn);
  });

  it("classifies a refused connection without its address or errno", () => {
    const sdk = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:9000"), { code: "ECONNREFUSED" });
    const e = classifyAwsError("ListRoles", sdk);
    expect([e.kind, e.message]).toEqual(["retryable", "AWS IAM ListRoles: could not reach the endpoint"]);
  });

  it("each adapter's errors (what drift checks record) carry no address, port or errno", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const fast = { attempts: 1, baseDelayMs: 1 };
    const cases: [string, () => Promise<unknown>][] = [
      [
        "aws",
        () =>
          awsAdapter({
            endpoint: `http://127.0.0.1:${port}`,
            credentials: TEST_CREDENTIALS,
            maxAttempts: 1,
          }).listManaged(awsTarget()),
      ],
      [
        "gcp",
        () =>
          gcpAdapter({
            iamUrl: `http://127.0.0.1:${port}`,
            resourceManagerUrl: `http://127.0.0.1:${port}`,
            authClient: fixedTokenClient(),
            retry: fast,
          }).listManaged(gcpTarget()),
      ],
      [
        "azure",
        () =>
          azureAdapter({
            endpoint: `https://127.0.0.1:${port}`,
            credential: fixedTokenCredential(),
            retry: fast,
          }).listManaged(azureTarget(randomUUID())),
      ],
    ];
    for (const [cloud, call] of cases) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, cloud).toBeInstanceOf(CloudError);
      const message = (err as CloudError).message;
      expect(message, cloud).toContain(UNREACHABLE);
      expect(message, cloud).not.toContain("127.0.0.1");
      expect(message, cloud).not.toContain(String(port));
      expect(message, cloud).not.toMatch(/ECONN|fetch failed/);
    }
  });
});
