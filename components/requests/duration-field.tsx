"use client";

import { cn } from "@/components/ui/cn";
import { describedBy, FieldError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const PRESETS = [
  { minutes: 15, label: "15 min" },
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 480, label: "8 hours" },
  { minutes: 1440, label: "1 day" },
];

/** Presets the policy allows, plus any whole number of minutes up to its maximum. */
export function DurationField({
  value,
  onChange,
  maxMinutes,
  error,
}: {
  value: string;
  onChange: (v: string) => void;
  maxMinutes: number;
  error?: string;
}) {
  const presets = PRESETS.filter((p) => p.minutes <= maxMinutes);
  return (
    <div>
      <Label htmlFor="durationMinutes">Duration (minutes)</Label>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <Input
          id="durationMinutes"
          name="durationMinutes"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxMinutes}
          step={1}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="w-32"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy("durationMinutes", { hint: true, error: Boolean(error) })}
        />
        <fieldset className="flex flex-wrap gap-1">
          <legend className="sr-only">Common lengths</legend>
          {presets.map((p) => {
            const on = value === String(p.minutes);
            return (
              <button
                key={p.minutes}
                type="button"
                aria-pressed={on}
                onClick={() => onChange(String(p.minutes))}
                className={cn(
                  "rounded-md px-2.5 py-1.5 text-xs font-medium ring-1 ring-inset ring-input",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
                  on
                    ? "bg-primary text-primary-foreground ring-primary"
                    : "bg-card text-foreground hover:bg-muted",
                )}
              >
                {p.label}
              </button>
            );
          })}
        </fieldset>
      </div>
      <p id="durationMinutes-hint" className="mt-1 text-sm text-muted-foreground">
        At most {maxMinutes} minutes under the current policy.
      </p>
      <FieldError id="durationMinutes" message={error} />
    </div>
  );
}
