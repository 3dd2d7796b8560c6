/**
 * Cards the inbox shows first, and adds with each "Show older requests". A card carries the requester's
 * history and a role summary and is tall; ten fill a few screens and keep the page fast. Polling refreshes
 * every card shown, so an approver who loaded more keeps them live too.
 */
export const INBOX_PAGE_SIZE = 10;

/** The most cards "Show older requests" reaches: the list inputs' upper bound (Limit in schemas.ts). */
export const INBOX_MAX = 200;
