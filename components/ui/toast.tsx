"use client";

import * as ToastPrimitive from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { useSyncExternalStore } from "react";
import { cn } from "./cn";

export type ToastTone = "success" | "error" | "info";
type Item = { id: number; title: string; description?: string; tone: ToastTone };

// A tiny module-level store: any client component can call toast() without a context.
let items: Item[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

export function toast(t: { title: string; description?: string; tone?: ToastTone }) {
  items = [
    ...items,
    { id: nextId++, tone: t.tone ?? "info", title: t.title, description: t.description },
  ].slice(-4);
  emit();
}

function dismiss(id: number) {
  items = items.filter((i) => i.id !== id);
  emit();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const EMPTY: Item[] = [];

const TONES: Record<ToastTone, string> = {
  success: "border-l-4 border-l-green-600 dark:border-l-green-400",
  error: "border-l-4 border-l-red-600 dark:border-l-red-400",
  info: "border-l-4 border-l-indigo-600 dark:border-l-indigo-300",
};

/** Renders the toasts; errors are announced assertively, the rest politely. */
export function Toaster() {
  const list = useSyncExternalStore(
    subscribe,
    () => items,
    () => EMPTY,
  );
  return (
    <ToastPrimitive.Provider swipeDirection="right" duration={6000}>
      {list.map((t) => (
        <ToastPrimitive.Root
          key={t.id}
          type={t.tone === "error" ? "foreground" : "background"}
          onOpenChange={(open) => {
            if (!open) dismiss(t.id);
          }}
          className={cn(
            "relative rounded-md border border-border bg-card p-4 pr-10 text-foreground shadow-lg",
            TONES[t.tone],
          )}
          data-testid="toast"
        >
          <ToastPrimitive.Title className="text-sm font-semibold">{t.title}</ToastPrimitive.Title>
          {t.description ? (
            <ToastPrimitive.Description className="mt-1 text-sm text-muted-foreground">
              {t.description}
            </ToastPrimitive.Description>
          ) : null}
          <ToastPrimitive.Close
            aria-label="Dismiss notification"
            className="absolute right-2 top-2 rounded p-1 text-muted-foreground hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
          >
            <X aria-hidden className="h-4 w-4" />
          </ToastPrimitive.Close>
        </ToastPrimitive.Root>
      ))}
      <ToastPrimitive.Viewport className="fixed bottom-4 right-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2 outline-none" />
    </ToastPrimitive.Provider>
  );
}
