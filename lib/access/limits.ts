/** Cards per inbox page: each carries history and a role preview, so keep the page light. */
export const INBOX_PAGE_SIZE = 20;
