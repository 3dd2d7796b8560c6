import { notFound } from "next/navigation";
import { RequestDetail } from "@/components/requests/request-detail";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { getRequestView, type RequestViewDto } from "@/lib/requests/request-view";

export const metadata = { title: "Request" };

async function load(id: string): Promise<RequestViewDto> {
  const ctx = await requireSessionCtx();
  try {
    return await getRequestView({ ctx, input: { requestId: id } });
  } catch (err) {
    // Another org's id, a malformed id, or one this person may not see: all read as "not found".
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation")) notFound();
    throw err;
  }
}

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RequestDetail initial={await load(id)} />;
}
