/** What a request asks for, in one phrase: the template's name, or how many permissions it lists. */
export function requestLabel(r: { template: { name: string } | null; permissions: string[] | null }): string {
  return r.template?.name ?? customLabel(r.permissions?.length ?? 0);
}

export const customLabel = (n: number) => `Custom permissions (${n})`;
