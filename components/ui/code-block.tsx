import { cn } from "./cn";

/**
 * Preformatted code in a scrollable box. Scrollable regions must be reachable by keyboard (axe
 * "scrollable-region-focusable"), so the box is a named, focusable region.
 */
export function CodeBlock({
  label,
  children,
  className,
  ...props
}: { label: string; children: string; className?: string } & { "data-testid"?: string }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must take keyboard focus
      tabIndex={0}
      className={cn(
        "max-h-72 overflow-auto rounded bg-code p-3 text-code-foreground",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
        className,
      )}
      {...props}
    >
      <pre className="font-mono text-xs">{children}</pre>
    </section>
  );
}
