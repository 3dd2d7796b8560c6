import { TemplateForm } from "@/components/templates/template-form";
import { TitledCard } from "@/components/ui/card";
import { requireSessionCtx } from "@/lib/auth/session";
import { RESOURCE_KINDS } from "@/lib/catalog";
import { createTemplateAction, previewTemplateAction } from "../actions";

export const metadata = { title: "New template" };

export default async function NewTemplatePage() {
  await requireSessionCtx("templates.edit");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">New template</h1>
      <TitledCard
        id="new-template"
        title="What task does it allow?"
        description="Permissions are checked against the catalog: unknown names are refused with suggestions."
      >
        <TemplateForm
          mode="create"
          resourceKinds={RESOURCE_KINDS}
          action={createTemplateAction}
          previewAction={previewTemplateAction}
        />
      </TitledCard>
    </div>
  );
}
