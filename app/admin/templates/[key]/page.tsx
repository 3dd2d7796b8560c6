import { notFound } from "next/navigation";
import { RolePreview } from "@/components/templates/role-preview";
import { TemplateForm } from "@/components/templates/template-form";
import { VersionHistory } from "@/components/templates/version-history";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { requireSessionCtx } from "@/lib/auth/session";
import { RESOURCE_KINDS } from "@/lib/catalog";
import { permissionsOn } from "@/lib/clouds/kinds";
import { AppError } from "@/lib/errors";
import { CLOUDS, getTemplateHistory, previewTemplate, TemplateKey } from "@/lib/templates";
import { previewTemplateAction, updateTemplateAction } from "../actions";

export const metadata = { title: "Edit template" };

export default async function EditTemplatePage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("templates.edit");
  const key = TemplateKey.safeParse((await params).key);
  if (!key.success) notFound();
  const history = await getTemplateHistory({ ctx, input: { key: key.data } }).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const latest = history.versions[0];
  const resource = [(await searchParams).resource].flat()[0]?.trim().slice(0, 128) || undefined;
  const previews = await Promise.all(
    CLOUDS.filter((c) => permissionsOn(latest.permissions, c).length).map((cloud) =>
      previewTemplate({ ctx, input: { key: latest.key, cloud, resource } }).catch((e: unknown) => {
        if (e instanceof AppError) return { cloud, error: e.message };
        throw e;
      }),
    ),
  );

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">
        {latest.name}{" "}
        <span className="text-base font-normal text-muted-foreground">
          ({latest.key}, version {latest.version})
        </span>
      </h1>
      <TitledCard
        id="edit-template"
        title="Edit"
        description="Saving stores a new version; the old one stays."
      >
        <TemplateForm
          mode="edit"
          initial={latest}
          resourceKinds={RESOURCE_KINDS}
          action={updateTemplateAction}
          previewAction={previewTemplateAction}
        />
      </TitledCard>
      <TitledCard
        id="template-preview"
        title="Generated documents"
        description="Exactly what each cloud receives for the saved version, with an expiry one hour from now."
      >
        <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Preview scope">
          <div className="w-64">
            <label htmlFor="preview-resource" className="block text-sm font-medium">
              Resource {latest.placeholders[0] ? `({${latest.placeholders[0]}})` : "(optional)"}
            </label>
            <Input
              id="preview-resource"
              name="resource"
              defaultValue={resource}
              placeholder="e.g. prod-db-1"
            />
          </div>
          <Button type="submit" variant="secondary">
            Show for this resource
          </Button>
        </form>
        <div className="space-y-8">
          {previews.map((p) =>
            "error" in p ? (
              <p key={p.cloud} role="alert" className="text-sm font-medium text-destructive">
                {p.cloud}: {p.error}
              </p>
            ) : (
              <RolePreview key={p.cloud} preview={p} idPrefix="template-preview" />
            ),
          )}
        </div>
      </TitledCard>
      <TitledCard
        id="template-history"
        title="Version history"
        description="Newest first, with what each save changed."
      >
        <VersionHistory history={history} />
      </TitledCard>
    </div>
  );
}
