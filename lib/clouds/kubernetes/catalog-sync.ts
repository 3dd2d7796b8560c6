import {
  ApisApi,
  CoreV1Api,
  type KubeConfig,
  KubernetesObjectApi,
  type V1APIResourceList,
} from "@kubernetes/client-node";
import type { CatalogExport, Evidence } from "@/lib/clouds/port";
import { call, ids, isAnswer } from "./call";

/**
 * The client's object API fetches `/apis/<group>/<version>` discovery (to map kinds to resources) and
 * keeps it in a protected cache; this subclass reads it back for any group, CRDs included.
 */
class DiscoveryApi extends KubernetesObjectApi {
  static of(kc: KubeConfig): DiscoveryApi {
    // makeApiClient builds the base class with the kubeconfig's auth and TLS: give it this prototype.
    return Object.setPrototypeOf(
      KubernetesObjectApi.makeApiClient(kc),
      DiscoveryApi.prototype,
    ) as DiscoveryApi;
  }
  async resourceList(groupVersion: string): Promise<V1APIResourceList | undefined> {
    await this.resource(groupVersion, "");
    return this.apiVersionResourceCache[groupVersion];
  }
}

/** Discovery of every served group's preferred version, as one `kubernetes-api-resources` export. */
export async function kubernetesCatalogExports(
  kc: KubeConfig,
): Promise<Evidence & { exports: CatalogExport[] }> {
  const core = await call("discover /api/v1", () =>
    kc.makeApiClient(CoreV1Api).getAPIResourcesWithHttpInfo(),
  );
  const groups = await call("discover /apis", () => kc.makeApiClient(ApisApi).getAPIVersionsWithHttpInfo());
  const lists: V1APIResourceList[] = isAnswer(core) ? [core.data] : [];
  const discovery = DiscoveryApi.of(kc);
  for (const g of isAnswer(groups) ? groups.data.groups : []) {
    const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    if (!gv) continue;
    const list = await discovery.resourceList(gv).catch(() => undefined);
    if (list) lists.push(list);
  }
  const content = JSON.stringify(
    lists.map((l) => ({
      groupVersion: l.groupVersion,
      resources: l.resources.map((r) => ({ name: r.name, kind: r.kind, verbs: r.verbs })),
    })),
  );
  return { exports: [{ format: "kubernetes-api-resources", content }], requestIds: ids(core, groups) };
}
