/** The form's textarea: one permission per line (commas and spaces also separate), blanks ignored. */
export function splitPermissionLines(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
}
