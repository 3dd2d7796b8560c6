/** One page of a list after the cursor `after` (the last id of the previous page), and the next cursor. */
export function page<T extends { id: string }>(
  items: T[],
  after: string | null,
  size: number,
): { items: T[]; next: string | null } {
  const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: slice, next: more ? slice[slice.length - 1].id : null };
}
