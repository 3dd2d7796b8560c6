"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { FormAction } from "@/lib/http/authed-action";
import type { GrantDto } from "@/lib/requests/dto";
import { AdminActionForm } from "./admin-action-form";

/** "Revoke" opens a required reason and "Confirm revoke"; nothing is sent until confirmed. */
export function RevokeGrantForm({ grantId, action }: { grantId: string; action: FormAction<GrantDto> }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Revoke
      </Button>
    );
  }
  const fieldId = `revoke-reason-${grantId}`;
  return (
    <AdminActionForm
      action={action}
      label="Revoke grant"
      className="flex flex-wrap items-end gap-2"
      success="Revocation requested."
    >
      <input type="hidden" name="grantId" value={grantId} />
      <div className="min-w-48">
        <label htmlFor={fieldId} className="block text-xs font-medium text-foreground">
          Reason (required)
        </label>
        <Input
          id={fieldId}
          name="reason"
          required
          maxLength={500}
          autoFocus
          placeholder="e.g. incident closed"
        />
      </div>
      <Button type="submit" variant="destructive" size="sm">
        Confirm revoke
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </AdminActionForm>
  );
}
