import { previewRequest } from "@/lib/requests/preview";
import { uiRoute } from "../_lib/ui-route";

// Query strings are text: an empty or non-numeric duration becomes NaN, which the verb names as the field.
// Explicit permissions arrive as repeated `permissions` parameters; the verb refuses both or neither.
export const GET = uiRoute((ctx, { query }) => {
  const minutes = query.get("durationMinutes")?.trim();
  const permissions = query.getAll("permissions");
  return previewRequest({
    ctx,
    input: {
      targetId: query.get("targetId") ?? "",
      templateId: query.get("templateId") || null,
      permissions: permissions.length ? permissions : null,
      resource: query.get("resource") ?? null,
      resourceKind: query.get("resourceKind") || null,
      durationMinutes: minutes ? Number(minutes) : Number.NaN,
    },
  });
});
