/** The "Ticket" row of a request's description list, when the requester linked one (http(s) only). */
export function TicketRow({ url }: { url: string | null }) {
  if (!url) return null;
  return (
    <>
      <dt className="text-muted-foreground">Ticket</dt>
      <dd>
        <a href={url} rel="noreferrer noopener" className="text-primary underline underline-offset-4">
          {url}
        </a>
      </dd>
    </>
  );
}
