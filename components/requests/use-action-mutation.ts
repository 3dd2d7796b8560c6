"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/http/authed-action";

/**
 * Runs a server action as a react-query mutation: a toast for the outcome (the server's message on
 * failure, which names the field), then the given query keys are invalidated and the route refreshed.
 */
export function useActionMutation<I, T>(
  action: (input: I) => Promise<ActionResult<T>>,
  opts: { success: string | ((data: T) => string); invalidate: readonly (readonly unknown[])[] },
) {
  const client = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: async (input: I) => {
      const result = await action(input);
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSuccess: (data) => {
      toast({ tone: "success", title: typeof opts.success === "string" ? opts.success : opts.success(data) });
    },
    onError: (err) => toast({ tone: "error", title: "That did not work", description: err.message }),
    onSettled: async () => {
      await Promise.all(opts.invalidate.map((queryKey) => client.invalidateQueries({ queryKey })));
      router.refresh();
    },
  });
}
