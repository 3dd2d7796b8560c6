"use client";

import { RevokeGrantForm } from "@/components/admin/revoke-grant-form";
import { RiskBadge, StatusBadge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { AdminGrantRow } from "@/lib/admin";
import type { FormAction } from "@/lib/http/authed-action";
import type { GrantDto } from "@/lib/requests/dto";
import { customLabel } from "@/lib/requests/request-label";

/**
 * The live grants table. A client component on purpose: the page hands it the rows as data, which is a
 * third the size of the same rows sent as a rendered server tree, and the table is the page's bulk.
 */
export function GrantsTable({
  rows,
  revokeAction,
}: {
  rows: AdminGrantRow[];
  revokeAction: FormAction<GrantDto>;
}) {
  return (
    <Table>
      <caption className="sr-only">Live grants across the organization</caption>
      <THead>
        <TR>
          <TH>User</TH>
          <TH>Target</TH>
          <TH>Template</TH>
          <TH>Status</TH>
          <TH>Expires</TH>
          <TH>
            <span className="sr-only">Actions</span>
          </TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((g) => (
          <TR key={g.id} data-testid={`admin-grant-${g.id}`}>
            <TD>
              <div className="font-medium">{g.user.name ?? g.user.email}</div>
              <div className="text-xs text-muted-foreground">{g.user.email}</div>
            </TD>
            <TD>
              {`${g.target.name} `}
              <span className="text-muted-foreground">({g.target.cloud})</span>
            </TD>
            <TD>
              <div>{g.template?.name ?? customLabel(g.permissionCount)}</div>
              <div className="mt-1 flex flex-wrap gap-1">
                {g.template ? <RiskBadge risk={g.template.risk} /> : null}
                <span className="text-xs text-muted-foreground">{`${g.permissionCount} permissions`}</span>
              </div>
            </TD>
            <TD>
              <StatusBadge status={g.status} />
              {g.lastError ? <div className="mt-1 text-xs text-destructive">{g.lastError}</div> : null}
            </TD>
            <TD>
              {g.expiresAt ? (
                <Time value={g.expiresAt} />
              ) : (
                <span className="text-muted-foreground">not yet active</span>
              )}
            </TD>
            <TD>
              {g.status === "revoking" || g.status === "revoke_stuck" ? (
                <span className="text-xs text-muted-foreground">revocation under way</span>
              ) : (
                <RevokeGrantForm grantId={g.id} action={revokeAction} />
              )}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
