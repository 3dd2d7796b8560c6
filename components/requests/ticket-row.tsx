import { safeHref } from "@/components/ui/href";

/** The "Ticket" row of a request's description list: a link only for http(s), anything else as text. */
export function TicketRow({ url }: { url: string | null }) {
  if (!url) return null;
  const href = safeHref(url);
  return (
    <>
      <dt className="text-muted-foreground">Ticket</dt>
      <dd>
        {href ? (
          <a href={href} rel="noreferrer noopener" className="text-primary underline underline-offset-4">
            {url}
          </a>
        ) : (
          <span data-testid="ticket-text">{url}</span>
        )}
      </dd>
    </>
  );
}
