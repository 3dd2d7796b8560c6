import { RoleForm } from "@/components/admin/role-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { listGroups, listUsers } from "@/lib/admin";
import { requireSessionCtx } from "@/lib/auth/session";
import { setLocalRolesAction } from "../actions";
import { freezePersonAction } from "./freeze-action";

export const metadata = { title: "Users & groups" };

export default async function AdminUsersPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string | string[]; notice?: string | string[] }>;
}) {
  const ctx = await requireSessionCtx("users.manage");
  const params = await searchParams;
  const q = [params.q].flat()[0]?.slice(0, 200) || undefined;
  const notice = [params.notice].flat()[0]?.slice(0, 1000);
  const [users, groups] = await Promise.all([
    listUsers({ ctx, input: { query: q, limit: 200 } }),
    listGroups({ ctx }),
  ]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Users & groups</h1>
      {notice ? (
        <p role="status" className="rounded-md bg-muted p-3 text-sm">
          {notice}
        </p>
      ) : null}
      <TitledCard
        id="users"
        title="Users"
        description="People come from the identity provider. Local roles add to the roles their groups give; changes apply on their next request."
      >
        <form method="get" aria-label="Search users" className="mb-4 flex flex-wrap items-end gap-2">
          <div className="min-w-64">
            <label htmlFor="user-q" className="block text-sm font-medium text-foreground">
              Search by name or email
            </label>
            <Input id="user-q" name="q" type="search" defaultValue={q ?? ""} />
          </div>
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
        {users.length === 0 ? (
          <EmptyState title="No users match" />
        ) : (
          <Table>
            <caption className="sr-only">Users</caption>
            <THead>
              <TR>
                <TH>User</TH>
                <TH>Groups (from the IdP)</TH>
                <TH>Local roles</TH>
                <TH>Freeze</TH>
              </TR>
            </THead>
            <TBody>
              {users.map((u) => (
                <TR key={u.id} data-testid={`admin-user-${u.id}`}>
                  <TD>
                    <div className="font-medium">{u.name ?? u.email}</div>
                    <div className="text-xs text-muted-foreground">{u.email}</div>
                    {u.disabledAt ? <Badge tone="danger">disabled</Badge> : null}
                  </TD>
                  <TD>
                    <div className="flex flex-wrap gap-1">
                      {u.groups.length ? (
                        u.groups.map((g) => <Badge key={g}>{g}</Badge>)
                      ) : (
                        <span className="text-muted-foreground">none</span>
                      )}
                    </div>
                    {u.groupRoles.length ? (
                      <div className="mt-1 text-xs text-muted-foreground">
                        gives: {u.groupRoles.join(", ")}
                      </div>
                    ) : null}
                  </TD>
                  <TD>
                    <RoleForm
                      userId={u.id}
                      userLabel={u.name ?? u.email}
                      localRoles={u.localRoles}
                      action={setLocalRolesAction}
                    />
                  </TD>
                  <TD>
                    <form action={freezePersonAction} className="flex flex-col gap-1">
                      <input type="hidden" name="userId" value={u.id} />
                      <Input
                        name="reason"
                        required
                        placeholder="Reason (e.g. SEC-12)"
                        aria-label={`Reason to freeze ${u.name ?? u.email}`}
                      />
                      <Button type="submit" variant="secondary">
                        Freeze all access
                      </Button>
                    </form>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </TitledCard>

      <TitledCard
        id="groups"
        title="Groups"
        description="Synced from the identity provider's groups claim at sign-in."
      >
        {groups.length === 0 ? (
          <EmptyState title="No groups yet" />
        ) : (
          <Table>
            <caption className="sr-only">Groups</caption>
            <THead>
              <TR>
                <TH>Group</TH>
                <TH>Source</TH>
                <TH>Gives role</TH>
                <TH>Members</TH>
              </TR>
            </THead>
            <TBody>
              {groups.map((g) => (
                <TR key={g.id} data-testid={`admin-group-${g.name}`}>
                  <TD className="font-medium">{g.name}</TD>
                  <TD>{g.source === "idp" ? "identity provider" : "local"}</TD>
                  <TD>{g.role ?? <span className="text-muted-foreground">none</span>}</TD>
                  <TD>{g.members}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </TitledCard>
    </div>
  );
}
