import Link from "next/link";
import { AuditFilters, type AuditFilterValues, utcInput } from "@/components/audit/audit-filters";
import { ChainStatus, CheckpointStatusLine } from "@/components/audit/chain-status";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { withQuery } from "@/components/ui/href";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { getAuditChainStatus, getCheckpointStatus, listAuditEvents } from "@/lib/audit/list";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

export const metadata = { title: "Audit log" };

const KEYS = ["actor", "action", "subjectId", "from", "to"] as const;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("audit.read");
  const sp = await searchParams;
  const values: AuditFilterValues = {};
  for (const k of KEYS) values[k] = [sp[k]].flat()[0]?.slice(0, 200) || undefined;
  const cursor = [sp.cursor].flat()[0] || undefined;
  const input = { ...values, from: utcInput(values.from), to: utcInput(values.to), cursor };

  const [page, chain, checkpoint] = await Promise.all([
    listAuditEvents({ ctx, input }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "validation") return err;
      throw err;
    }),
    getAuditChainStatus({ ctx }),
    getCheckpointStatus({ ctx }),
  ]);
  const nextHref =
    page instanceof AppError || !page.nextCursor
      ? null
      : withQuery("/audit", { ...values, cursor: page.nextCursor });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Audit log</h1>
      <ChainStatus result={chain} />
      <CheckpointStatusLine status={checkpoint} />
      <AuditFilters values={values} invalidField={page instanceof AppError ? page.field : undefined} />
      <TitledCard
        id="audit-events"
        title="Events"
        description="Newest first. Times are UTC."
        actions={
          <a
            href={withQuery("/audit/export", values)}
            className="text-sm font-semibold text-primary underline underline-offset-4"
            download
          >
            Export CSV
          </a>
        }
      >
        {page instanceof AppError ? (
          <p role="alert" className="text-sm font-medium text-destructive">
            {page.message}
          </p>
        ) : page.items.length === 0 ? (
          <EmptyState title="No events match" description="Widen the time range or clear the filters." />
        ) : (
          <Table>
            <caption className="sr-only">Audit events</caption>
            <THead>
              <TR>
                <TH>#</TH>
                <TH>When</TH>
                <TH>Actor</TH>
                <TH>Action</TH>
                <TH>Subject</TH>
                <TH>Details</TH>
              </TR>
            </THead>
            <TBody>
              {page.items.map((e) => (
                <TR key={e.id} data-testid={`audit-event-${e.seq}`}>
                  <TD className="tabular-nums">{e.seq}</TD>
                  <TD className="whitespace-nowrap">
                    <Time value={e.createdAt} />
                  </TD>
                  <TD>
                    <Link href={`/audit?actor=${encodeURIComponent(e.actorId)}`} className="hover:underline">
                      {e.actorLabel}
                    </Link>
                    <div className="text-xs text-muted-foreground">{e.actorType}</div>
                  </TD>
                  <TD>
                    <code className="font-mono text-xs">{e.action}</code>
                  </TD>
                  <TD>
                    <Link
                      href={`/audit?subjectId=${encodeURIComponent(e.subjectId)}`}
                      className="font-mono text-xs hover:underline"
                    >
                      {e.subjectType}:{e.subjectId}
                    </Link>
                  </TD>
                  <TD>
                    <code className="block max-w-md break-all font-mono text-xs text-muted-foreground">
                      {JSON.stringify(e.data)}
                    </code>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        {nextHref ? (
          <p className="mt-4 text-sm">
            <Link href={nextHref} className="text-primary underline underline-offset-4">
              Older events
            </Link>
          </p>
        ) : null}
      </TitledCard>
    </div>
  );
}
