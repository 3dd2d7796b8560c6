import { Slot } from "@radix-ui/react-slot";
import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

const VARIANTS = {
  primary: "bg-primary text-primary-foreground hover:bg-primary-hover",
  secondary: "bg-card text-foreground ring-1 ring-inset ring-input hover:bg-muted",
  ghost: "text-foreground hover:bg-muted",
  destructive: "bg-destructive text-destructive-foreground hover:opacity-90",
  link: "text-primary underline underline-offset-4 hover:no-underline shadow-none px-0",
} as const;

const SIZES = { sm: "px-2.5 py-1.5 text-xs", md: "px-3 py-2 text-sm", icon: "h-9 w-9 p-0" } as const;

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: keyof typeof VARIANTS;
  size?: keyof typeof SIZES;
  /** Render the child (a Link, an <a>) with button styling instead of a <button>. */
  asChild?: boolean;
};

export function buttonClass(variant: keyof typeof VARIANTS = "primary", size: keyof typeof SIZES = "md") {
  return cn(
    "inline-flex items-center justify-center gap-2 rounded-md font-semibold shadow-sm transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
    "disabled:cursor-not-allowed disabled:opacity-60",
    VARIANTS[variant],
    SIZES[size],
  );
}

export function Button({ variant, size, className, asChild, type = "button", ...props }: ButtonProps) {
  if (asChild) return <Slot className={cn(buttonClass(variant, size), className)} {...props} />;
  return <button type={type} className={cn(buttonClass(variant, size), className)} {...props} />;
}
