import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Time } from "@/components/ui/time";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { type DeviceAuthorizationDto, describeDeviceAuthorization } from "@/lib/tokens/device";
import { decideDeviceAction } from "./actions";

export const metadata = { title: "Sign in a device" };

/**
 * `elevate login` sends people here (RFC 8628's verification URI): they check the code their terminal shows
 * and approve, and that CLI receives a personal API token for a day.
 */
export default async function DevicePage({
  searchParams,
}: {
  searchParams: Promise<{ code?: string; done?: string; error?: string }>;
}) {
  const ctx = await requireSessionCtx();
  const { code, done, error } = await searchParams;
  let found: DeviceAuthorizationDto | null = null;
  let lookupError: string | null = null;
  if (code && !done) {
    try {
      found = await describeDeviceAuthorization({ ctx, input: { userCode: code } });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      lookupError = err.code === "not_found" ? "No sign-in is waiting with this code." : err.message;
    }
  }
  return (
    <div className="max-w-xl space-y-6">
      <h1 className="text-2xl font-bold">Sign in a device</h1>
      {done ? (
        <p role="status" className="rounded-md bg-muted p-3 text-sm">
          {done === "approved"
            ? "Approved. Your terminal is signed in; you can close this page."
            : "Denied. The terminal was not signed in."}
        </p>
      ) : null}
      {error || lookupError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {error ?? lookupError}
        </p>
      ) : null}
      {found && found.status === "pending" ? (
        <TitledCard
          id="device"
          title={`Code ${found.userCode}`}
          description="Approve only if this is the code your own terminal shows, and you started it just now."
        >
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-muted-foreground">Device</dt>
            <dd data-testid="device-client">{found.clientName}</dd>
            <dt className="text-muted-foreground">Asked</dt>
            <dd>
              <Time value={found.createdAt} />
            </dd>
            <dt className="text-muted-foreground">Receives</dt>
            <dd>a personal API token acting as you, for one day (revoke it under API tokens)</dd>
          </dl>
          <form action={decideDeviceAction} className="mt-4 flex gap-2">
            <input type="hidden" name="userCode" value={found.userCode} />
            <Button type="submit" name="verdict" value="approve">
              Approve sign-in
            </Button>
            <Button type="submit" name="verdict" value="deny" variant="secondary">
              Deny
            </Button>
          </form>
        </TitledCard>
      ) : found ? (
        <p role="alert" className="rounded-md bg-muted p-3 text-sm">
          This code is {found.status}.
        </p>
      ) : done ? null : (
        <form method="get" className="space-y-2">
          <Label htmlFor="device-code">Code shown by your terminal</Label>
          <div className="flex gap-2">
            <Input id="device-code" name="code" autoComplete="off" placeholder="WDJB-MJHT" className="w-40" />
            <Button type="submit">Continue</Button>
          </div>
        </form>
      )}
    </div>
  );
}
