import { ExternalLink } from "lucide-react";
import { CodeBlock } from "@/components/ui/code-block";
import { safeHref } from "@/components/ui/href";
import type { UsageDto } from "@/lib/grants/access-instructions";

/** Console link and CLI commands for one live grant. */
export function AccessInstructions({ usage, cloud }: { usage: UsageDto; cloud: string }) {
  const consoleHref = safeHref(usage.consoleUrl);
  return (
    <div className="space-y-2 text-sm" data-testid="access-instructions">
      <h3 className="font-semibold">How to use this access</h3>
      {usage.sandbox ? (
        <p className="text-muted-foreground">
          This target is Elevate's sandbox: nothing exists in a real cloud. The steps below are what you would
          use on a real {cloud} target.
        </p>
      ) : null}
      {consoleHref ? (
        <a
          href={consoleHref}
          target="_blank"
          rel="noreferrer noopener"
          className="inline-flex items-center gap-1 font-medium text-primary underline underline-offset-4"
        >
          Open the {cloud} console <ExternalLink aria-hidden className="h-3.5 w-3.5" />
          <span className="sr-only">(opens in a new tab)</span>
        </a>
      ) : null}
      <CodeBlock label="Command line">{usage.cli.join("\n")}</CodeBlock>
      {usage.profile ? <CodeBlock label="CLI profile (~/.aws/config)">{usage.profile}</CodeBlock> : null}
      {usage.notes.length ? (
        <ul className="list-disc pl-5 text-muted-foreground">
          {usage.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
