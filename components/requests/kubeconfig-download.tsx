"use client";

import { useState, useTransition } from "react";
import { kubeconfigAction } from "@/app/requests/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

/**
 * Asks the cluster for a token for this grant and saves it as a kubeconfig file. Each click mints a new
 * token (audited); the page keeps none of it after the download.
 */
export function KubeconfigDownload({ grantId }: { grantId: string }) {
  const [pending, start] = useTransition();
  const [expires, setExpires] = useState<string | null>(null);
  const download = () =>
    start(async () => {
      const result = await kubeconfigAction({ grantId });
      if (!result.ok) {
        toast({ tone: "error", title: "No kubeconfig", description: result.error.message });
        return;
      }
      const url = URL.createObjectURL(new Blob([result.data.content], { type: "application/yaml" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = result.data.filename;
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      setExpires(result.data.expiresAt);
    });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button size="sm" onClick={download} disabled={pending}>
        {pending ? "Issuing…" : "Download kubeconfig"}
      </Button>
      {expires ? (
        <span className="text-xs text-muted-foreground" role="status">
          Token valid until {new Date(expires).toISOString().replace("T", " ").slice(0, 16)} UTC
        </span>
      ) : null}
    </div>
  );
}
