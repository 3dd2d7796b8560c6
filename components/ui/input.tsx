import type { InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

/** Shared look of text inputs, textareas and selects; aria-invalid turns the border red. */
export const fieldClass = cn(
  "block w-full rounded-md border border-input bg-card px-3 py-2 text-sm text-foreground shadow-sm",
  "placeholder:text-muted-foreground",
  "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring",
  "aria-invalid:border-destructive aria-invalid:ring-1 aria-invalid:ring-destructive",
  "disabled:cursor-not-allowed disabled:opacity-60",
);

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cn(fieldClass, className)} {...props} />;
}

export function Textarea({ className, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={cn(fieldClass, className)} {...props} />;
}

/** A native select, styled: native keeps keyboard, screen reader and mobile behaviour for free. */
export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={cn(fieldClass, "pr-8", className)} {...props} />;
}
