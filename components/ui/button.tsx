import { Slot } from "@radix-ui/react-slot";
import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

// The styles live in app/globals.css (.ui-btn, .ui-btn-<variant>, .ui-btn-<size>): one class each
// instead of a dozen utilities on every button.
type Variant = "primary" | "secondary" | "ghost" | "destructive" | "link";
type Size = "sm" | "md" | "icon";

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: Variant;
  size?: Size;
  /** Render the child (a Link, an <a>) with button styling instead of a <button>. */
  asChild?: boolean;
};

export function buttonClass(variant: Variant = "primary", size: Size = "md"): string {
  return `ui-btn ui-btn-${size} ui-btn-${variant}`;
}

export function Button({ variant, size, className, asChild, type = "button", ...props }: ButtonProps) {
  if (asChild) return <Slot className={cn(buttonClass(variant, size), className)} {...props} />;
  return <button type={type} className={cn(buttonClass(variant, size), className)} {...props} />;
}
