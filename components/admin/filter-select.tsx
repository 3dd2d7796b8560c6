import type { ReactNode } from "react";
import { Select } from "@/components/ui/input";

/** A labelled filter select whose first option, "Any", means no filter. */
export function FilterSelect({
  id,
  name,
  label,
  value,
  children,
}: {
  id: string;
  name: string;
  label: string;
  value?: string;
  children: ReactNode;
}) {
  return (
    <div className="min-w-44">
      <label htmlFor={id} className="block text-sm font-medium text-foreground">
        {label}
      </label>
      <Select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">Any</option>
        {children}
      </Select>
    </div>
  );
}
