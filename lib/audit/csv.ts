/**
 * CSV for spreadsheets. OWASP CSV Injection (owasp.org/www-community/attacks/CSV_Injection): a cell starting
 * with = + - @, tab, CR, LF or NUL may run as a formula, so it gets a leading apostrophe; so does a trigger
 * behind leading whitespace, which an import that trims spaces (LibreOffice's option) strips first.
 */
const FORMULA_START = /^[\t\r\n]|^\s*[=+\-@]/;

export function neutraliseCell(value: string): string {
  return value.startsWith("\u0000") || FORMULA_START.test(value) ? `'${value}` : value;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return quote(neutraliseCell(text));
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
