"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CreateScheduleInput, createReportSchedule, deleteReportSchedule } from "@/lib/compliance/schedules";
import { type ActionState, authedAction } from "@/lib/http/authed-action";

type Created = Awaited<ReturnType<typeof createReportSchedule>>;

const create = authedAction(CreateScheduleInput, (ctx, input) => createReportSchedule({ ctx, input }));
const remove = authedAction(z.object({ scheduleId: z.string() }), (ctx, input) =>
  deleteReportSchedule({ ctx, input }),
);

/** Add a scheduled delivery of the access report (admins). */
export async function createScheduleAction(
  _prev: ActionState<Created>,
  form: FormData,
): Promise<ActionState<Created>> {
  const result = await create(form);
  if (result.ok) revalidatePath("/reports/compliance");
  return result;
}

/** Stop a scheduled delivery. */
export async function deleteScheduleAction(
  _prev: ActionState<void>,
  form: FormData,
): Promise<ActionState<void>> {
  const result = await remove({ scheduleId: String(form.get("scheduleId") ?? "") });
  if (result.ok) revalidatePath("/reports/compliance");
  return result;
}
