import type { PdfDoc } from "@/lib/pdf";
import { renderPdf } from "@/lib/pdf";
import type { EvidencePackDto } from "./schema";

const text = (v: unknown) =>
  v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);
const kv = (pairs: [string, unknown][]) => ({
  columns: ["Field", "Value"],
  rows: pairs.map(([k, v]) => [k, text(v)]),
});

/** The pack as a PDF for people (the JSON stays the verifiable original; the PDF names its signature). */
export function evidencePdfDoc(pack: EvidencePackDto): PdfDoc {
  const s = pack.sections;
  return {
    title: `Evidence: grant ${pack.grant.id}`,
    subtitle: `${s.requester.person.email} on ${s.documents.target.name} (${s.documents.target.cloud}), generated ${pack.generatedAt}. Signed Ed25519 by key ${pack.signature.keyId}; verify the JSON with \`npx elevate evidence verify\`.`,
    sections: [
      {
        heading: "Requester",
        controls: s.requester.controls,
        table: kv([
          ["Person", `${s.requester.person.name ?? ""} <${s.requester.person.email}>`],
          ["Identity source", s.requester.identitySource],
          ["Subject", s.requester.subject],
        ]),
      },
      {
        heading: "Justification",
        controls: s.justification.controls,
        table: kv([
          ["Justification", s.justification.justification],
          ["Ticket", s.justification.ticketUrl],
        ]),
      },
      {
        heading: "Target, template and documents",
        controls: s.documents.controls,
        table: kv([
          [
            "Target",
            `${s.documents.target.name} (${s.documents.target.cloud} ${s.documents.target.externalId})`,
          ],
          [
            "Template",
            s.documents.template
              ? `${s.documents.template.key} v${s.documents.template.version}`
              : "explicit permissions",
          ],
          ["Risk", s.documents.risk],
          ["Resource", s.documents.resource],
          ["Role", s.documents.roleName],
          ["Permissions", s.documents.permissions.join(", ")],
        ]),
        paragraphs: [`Document: ${JSON.stringify(s.documents.document)}`],
      },
      {
        heading: "Window",
        controls: s.window.controls,
        table: kv([
          ["Requested", `${s.window.requestedAt} for ${s.window.requestedMinutes} min`],
          ["Decided", s.window.decidedAt],
          ["Active from", s.window.activatedAt],
          ["Expires", s.window.expiresAt],
          ["Ended", s.window.endedAt],
          ["Actual minutes", s.window.actualMinutes],
          ["Extensions", s.window.extensions.length ? s.window.extensions : null],
        ]),
      },
      {
        heading: "Approvals",
        controls: s.approvals.controls,
        paragraphs: [`Policy version ${s.approvals.policy.version}: ${s.approvals.policy.rule}.`],
        table: {
          columns: ["Approver", "Verdict", "When", "Channel", "Comment"],
          rows: s.approvals.decisions.map((d) => [
            d.approver.email || d.approver.id,
            d.verdict,
            d.at,
            d.channel,
            d.comment ?? "",
          ]),
        },
      },
      {
        heading: "Provisioning",
        controls: s.provisioning.controls,
        table: kv([
          ["At", s.provisioning.at],
          ["Cloud request ids", s.provisioning.cloudRequestIds.join(", ")],
          ["Binding", s.provisioning.bindingId],
          ["Read-back", s.provisioning.readBack],
          ["Effective access", s.provisioning.effectiveAccess],
        ]),
      },
      {
        heading: "Removal",
        controls: s.removal.controls,
        table: kv([
          ["At", s.removal.at],
          ["Reason", s.removal.reason ?? "expiry"],
          ["Cloud request ids", s.removal.cloudRequestIds.join(", ")],
          ["Read-back (absence)", s.removal.readBack],
          ["Late by (s)", s.removal.lateSeconds],
        ]),
      },
      {
        heading: "Usage during the grant",
        controls: s.usage.controls,
        paragraphs: s.usage.available ? [] : ["No usage data recorded for this grant."],
        table: s.usage.available
          ? {
              columns: ["Permission", "Granted", "Allowed calls", "Denied calls"],
              rows: s.usage.permissions.map((p) => [
                p.permission,
                p.granted ? "yes" : "no",
                String(p.allowed),
                String(p.denied),
              ]),
            }
          : undefined,
      },
      {
        heading: "Audit events",
        controls: s.audit.controls,
        paragraphs: [
          s.audit.checkpoint
            ? `Covered by the ${s.audit.checkpoint.reason} checkpoint at seq ${s.audit.checkpoint.seq} (head ${s.audit.checkpoint.headHash}), signed ${s.audit.checkpoint.signedAt} by key ${s.audit.checkpoint.keyId}.`
            : "No signed checkpoint covers these events.",
        ],
        table: {
          columns: ["#", "When", "Actor", "Action", "Hash"],
          rows: s.audit.events.map((e) => [
            String(e.seq),
            e.createdAt,
            `${e.actorType}:${e.actorId}`,
            e.action,
            e.hash,
          ]),
        },
      },
    ],
  };
}

export function evidencePdf(pack: EvidencePackDto): Promise<Uint8Array> {
  return renderPdf(evidencePdfDoc(pack));
}
