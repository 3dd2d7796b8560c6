import { TitledCard } from "@/components/ui/card";
import { UsageUploadForm } from "@/components/usage/upload-form";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets } from "@/lib/catalog/list";

export const metadata = { title: "Usage import" };

export default async function AdminUsagePage() {
  const ctx = await requireSessionCtx("targets.manage");
  const targets = await listTargets({ ctx });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Usage import</h1>
      <p className="text-sm text-muted-foreground">
        Upload CloudTrail (S3 delivery files, LookupEvents, Lake, EventBridge), Cloud Audit Logs (gcloud
        logging read, log sinks) or Activity Log (diagnostic export, az monitor activity-log list) files.
        Events already imported are skipped; the summary counts every record. Larger inputs:{" "}
        <code>npx elevate usage import</code>.
      </p>
      <TitledCard
        id="usage-upload"
        title="Upload a log file"
        description="Plain or gzip; one file per upload."
      >
        <UsageUploadForm targets={targets.map((t) => ({ id: t.id, name: t.name, cloud: t.cloud }))} />
      </TitledCard>
    </div>
  );
}
