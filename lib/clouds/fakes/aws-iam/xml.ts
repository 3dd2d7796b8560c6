/** Minimal XML writer for the IAM Query protocol's replies: elements, `member` lists, escaping. */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlNode | XmlValue[];
export type XmlNode = { [element: string]: XmlValue };

const NS = "https://iam.amazonaws.com/doc/2010-05-08/";

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: XmlValue): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => `<member>${render(v)}</member>`).join("");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${render(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

/** `<XResponse><XResult>…</XResult><ResponseMetadata><RequestId>…` as IAM answers every action. */
export function successXml(action: string, result: XmlNode | null, requestId: string): string {
  const body = result ? `<${action}Result>${render(result)}</${action}Result>` : "";
  return (
    `<${action}Response xmlns="${NS}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(
  code: string,
  message: string,
  requestId: string,
  type: "Sender" | "Receiver",
): string {
  return (
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
