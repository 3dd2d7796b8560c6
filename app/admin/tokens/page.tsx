import { AdminActionForm } from "@/components/admin/admin-action-form";
import { CreateTokenForm } from "@/components/admin/create-token-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { listUsers } from "@/lib/admin";
import { requireSessionCtx } from "@/lib/auth/session";
import { hasPermission } from "@/lib/ctx";
import { listApiTokens } from "@/lib/tokens";
import { createTokenAction, revokeTokenAction } from "../actions";

export const metadata = { title: "API tokens" };

export default async function AdminTokensPage() {
  const ctx = await requireSessionCtx("tokens.manage");
  // Admins (users.manage) see every token in the org; everyone else sees their own.
  const all = hasPermission(ctx, "users.manage");
  const [tokens, users] = await Promise.all([
    listApiTokens({ ctx, input: { scope: all ? "all" : "mine" } }),
    all ? listUsers({ ctx, input: { limit: 200 } }) : Promise.resolve([]),
  ]);
  const owner = new Map(users.map((u) => [u.id, u.name ?? u.email]));
  const now = Date.now();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">API tokens</h1>
      <TitledCard
        id="new-token"
        title="Create a token"
        description="A token acts as you, with your permissions. It is shown once and stored only hashed."
      >
        <CreateTokenForm action={createTokenAction} />
      </TitledCard>
      <TitledCard id="tokens" title={all ? "All tokens in the organization" : "Your tokens"}>
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet" description="Create one above for the CLI or automation." />
        ) : (
          <Table>
            <caption className="sr-only">API tokens</caption>
            <THead>
              <TR>
                <TH>Name</TH>
                <TH>Prefix</TH>
                {all ? <TH>Owner</TH> : null}
                <TH>Created</TH>
                <TH>Last used</TH>
                <TH>Expires</TH>
                <TH>Status</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </TR>
            </THead>
            <TBody>
              {tokens.map((t) => {
                const expired = t.expiresAt !== null && Date.parse(t.expiresAt) <= now;
                return (
                  <TR key={t.id} data-testid={`admin-token-${t.id}`}>
                    <TD className="font-medium">{t.name}</TD>
                    <TD>
                      <code className="font-mono text-xs">{t.prefix}…</code>
                    </TD>
                    {all ? <TD>{owner.get(t.userId) ?? t.userId}</TD> : null}
                    <TD>
                      <Time value={t.createdAt} />
                    </TD>
                    <TD>
                      {t.lastUsedAt ? (
                        <Time value={t.lastUsedAt} />
                      ) : (
                        <span className="text-muted-foreground">never</span>
                      )}
                    </TD>
                    <TD>{t.expiresAt ? <Time value={t.expiresAt} /> : "never"}</TD>
                    <TD>
                      {t.revokedAt ? (
                        <Badge tone="danger">revoked</Badge>
                      ) : expired ? (
                        <Badge tone="warning">expired</Badge>
                      ) : (
                        <Badge tone="success">active</Badge>
                      )}
                    </TD>
                    <TD>
                      {t.revokedAt ? null : (
                        <AdminActionForm action={revokeTokenAction} label={`Revoke token ${t.name}`}>
                          <input type="hidden" name="tokenId" value={t.id} />
                          <Button type="submit" variant="secondary" size="sm">
                            Revoke<span className="sr-only"> token {t.name}</span>
                          </Button>
                        </AdminActionForm>
                      )}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
      </TitledCard>
    </div>
  );
}
