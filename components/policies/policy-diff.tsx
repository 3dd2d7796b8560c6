import type { DiffLine } from "@/lib/policies/diff";

/** A line diff, additions and removals marked by sign and colour (the sign carries it without colour). */
export function PolicyDiff({ lines }: { lines: DiffLine[] }) {
  return (
    <section
      aria-label="Policy diff"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must take keyboard focus
      tabIndex={0}
      className="max-h-72 overflow-auto rounded bg-code p-3 font-mono text-sm text-code-foreground"
    >
      {lines
        .filter((l, i) => l.op !== " " || lines[i - 1]?.op !== " " || lines[i + 1]?.op !== " ")
        .map((l, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their position
            key={i}
            className={
              l.op === "+"
                ? "text-green-700 dark:text-green-400"
                : l.op === "-"
                  ? "text-red-700 dark:text-red-400"
                  : ""
            }
          >
            <span aria-hidden="true">{l.op} </span>
            <span className="sr-only">{l.op === "+" ? "added: " : l.op === "-" ? "removed: " : ""}</span>
            {l.text}
          </div>
        ))}
    </section>
  );
}
