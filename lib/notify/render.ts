import type { NotificationKind } from "@/db/schema";
import type { GrantContext, RequestContext } from "./context";

/** One notification in every channel's shape. Slack blocks follow Block Kit (https://api.slack.com/block-kit). */
export type Rendered = {
  subject: string;
  text: string;
  html: string;
  slack: { text: string; blocks: SlackBlock[] };
  webhook: Record<string, unknown>;
};

export type SlackBlock = Record<string, unknown>;

export const SLACK_APPROVE = "elevate_approve";
export const SLACK_DENY = "elevate_deny";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
/** Slack mrkdwn: &, < and > must be escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const who = (u: { name: string | null; email: string }) => (u.name ? `${u.name} (${u.email})` : u.email);
const what = (c: RequestContext) =>
  c.request.template ? c.request.template.name : `${c.request.permissions?.length ?? 0} explicit permissions`;
const where = (c: RequestContext) =>
  `${c.request.target.name} (${c.request.target.cloud} ${c.request.target.externalId})`;

function lines(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${k}: ${v}`).join("\n");
}

function html(title: string, pairs: [string, string][], link: { href: string; label: string }): string {
  const rows = pairs
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  return `<h2>${escapeHtml(title)}</h2><table>${rows}</table><p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`;
}

function requestPairs(c: RequestContext): [string, string][] {
  const r = c.request;
  return [
    ["Who", who(r.requester)],
    ["What", what(c)],
    ["Where", where(c)],
    ["Risk", r.risk],
    [
      "Duration",
      r.extendsGrantId
        ? `${r.durationMinutes} more minutes (extension of an active grant)`
        : `${r.durationMinutes} minutes`,
    ],
    ["Permissions", String(c.permissionCount)],
    ["Justification", r.justification || "(none)"],
    ...(r.ticketUrl ? ([["Ticket", r.ticketUrl]] as [string, string][]) : []),
  ];
}

function statusLine(c: RequestContext): string {
  const r = c.request;
  const approvals = r.approvals.filter((a) => a.verdict === "approve");
  const by = r.approvals.map(
    (a) => `${a.verdict === "approve" ? "approved" : "denied"} by ${a.approverName} (${a.channel})`,
  );
  if (r.status === "pending") {
    return approvals.length > 0
      ? `Pending: ${approvals.length} of ${r.approvalsRequired} approvals (${by.join(", ")})`
      : `Pending: ${r.approvalsRequired} approval${r.approvalsRequired > 1 ? "s" : ""} needed`;
  }
  return `${r.status[0].toUpperCase()}${r.status.slice(1)}${by.length ? `: ${by.join(", ")}` : ""}`;
}

/** The Block Kit message for approvers: the context, then Approve/Deny while the request is pending. */
export function approvalBlocks(c: RequestContext): SlackBlock[] {
  const r = c.request;
  const fields = requestPairs(c)
    .filter(([k]) => k !== "Justification")
    .map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${escapeSlack(v)}` }));
  const history =
    c.history.length === 0
      ? "No earlier requests"
      : c.history.map((h) => `${h.createdAt.slice(0, 10)} ${h.status}`).join(" · ");
  const blocks: SlackBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*Access request* <${c.url}|${escapeSlack(what(c))} on ${escapeSlack(r.target.name)}>`,
      },
    },
    { type: "section", fields: fields.slice(0, 10) },
    {
      type: "section",
      text: { type: "mrkdwn", text: `*Justification*\n${escapeSlack(r.justification || "(none)")}` },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Recent requests by ${escapeSlack(r.requester.name ?? r.requester.email)}: ${escapeSlack(history)}`,
        },
      ],
    },
    { type: "context", elements: [{ type: "mrkdwn", text: escapeSlack(statusLine(c)) }] },
  ];
  if (r.status === "pending") {
    blocks.push({
      type: "actions",
      block_id: `elevate_decision:${r.id}`,
      elements: [
        {
          type: "button",
          action_id: SLACK_APPROVE,
          style: "primary",
          text: { type: "plain_text", text: "Approve" },
          value: r.id,
        },
        {
          type: "button",
          action_id: SLACK_DENY,
          style: "danger",
          text: { type: "plain_text", text: "Deny" },
          value: r.id,
        },
        {
          type: "button",
          action_id: "elevate_open",
          text: { type: "plain_text", text: "Open in Elevate" },
          url: c.url,
        },
      ],
    });
    if (c.stepUp) {
      blocks.push({
        type: "context",
        elements: [
          { type: "mrkdwn", text: "Step-up required: approving asks for a fresh sign-in in Elevate." },
        ],
      });
    }
  }
  return blocks;
}

export function renderRequest(
  kind: "request.created" | "request.updated" | "request.decided",
  c: RequestContext,
): Rendered {
  const r = c.request;
  const pairs = requestPairs(c);
  const title =
    kind === "request.decided"
      ? `Your request was ${r.status}: ${what(c)} on ${r.target.name}`
      : `Approval needed: ${r.requester.name ?? r.requester.email} asks for ${what(c)} on ${r.target.name}`;
  const status = statusLine(c);
  const link =
    kind === "request.decided"
      ? { href: c.url, label: "Open the request" }
      : { href: c.url, label: "Review in Elevate" };
  return {
    subject: title,
    text: `${title}\n\n${lines(pairs)}\n${status}\n\n${link.label}: ${link.href}\n`,
    html: `${html(title, pairs, link)}<p>${escapeHtml(status)}</p>`,
    slack:
      kind === "request.decided"
        ? {
            text: title,
            blocks: [
              {
                type: "section",
                text: {
                  type: "mrkdwn",
                  text: `${escapeSlack(title)}\n${escapeSlack(status)}\n<${c.url}|Open the request>`,
                },
              },
            ],
          }
        : { text: title, blocks: approvalBlocks(c) },
    webhook: {
      event: kind,
      request: {
        id: r.id,
        status: r.status,
        requester: r.requester,
        target: r.target,
        template: r.template && { key: r.template.key, name: r.template.name },
        risk: r.risk,
        durationMinutes: r.durationMinutes,
        permissionCount: c.permissionCount,
        justification: r.justification,
        approvals: r.approvals.map((a) => ({
          verdict: a.verdict,
          approver: a.approverName,
          channel: a.channel,
        })),
        url: c.url,
      },
    },
  };
}

export function renderGrant(
  kind: "grant.active" | "grant.expiring" | "grant.revoked",
  c: GrantContext,
): Rendered {
  const g = c.grant;
  const on = `${g.target.name} (${g.target.cloud})`;
  const title =
    kind === "grant.active"
      ? `Your access is active: ${g.roleName} on ${on}`
      : kind === "grant.expiring"
        ? `Your access on ${on} ends at ${g.expiresAt ?? "?"}`
        : `Your access on ${on} was revoked`;
  const pairs: [string, string][] = [
    ["Target", on],
    ["Role", g.roleName],
    ["Permissions", String(g.permissions.length)],
    ["Expires", g.expiresAt ?? "-"],
    ...(kind === "grant.revoked" ? ([["Reason", g.revokeReason ?? "-"]] as [string, string][]) : []),
  ];
  const how =
    kind === "grant.active"
      ? [
          ...(c.usage.consoleUrl ? [`Console: ${c.usage.consoleUrl}`] : []),
          ...c.usage.cli.map((l) => `$ ${l}`),
          ...(c.usage.profile ? [c.usage.profile] : []),
          ...c.usage.notes,
        ]
      : [];
  const link =
    kind === "grant.expiring"
      ? { href: c.extendUrl, label: "Extend" }
      : { href: c.url, label: "Open in Elevate" };
  const text = `${title}\n\n${lines(pairs)}\n${how.length ? `\nHow to use it:\n${how.join("\n")}\n` : ""}\n${link.label}: ${link.href}\n`;
  return {
    subject: title,
    text,
    html: `${html(title, pairs, link)}${how.length ? `<pre>${escapeHtml(how.join("\n"))}</pre>` : ""}`,
    slack: {
      text: title,
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: `*${escapeSlack(title)}*\n${escapeSlack(lines(pairs))}` },
        },
        ...(how.length
          ? [
              {
                type: "section",
                text: { type: "mrkdwn", text: `\`\`\`${escapeSlack(how.join("\n"))}\`\`\`` },
              },
            ]
          : []),
        {
          type: "actions",
          elements: [
            {
              type: "button",
              action_id: kind === "grant.expiring" ? "elevate_extend" : "elevate_open",
              text: { type: "plain_text", text: link.label },
              url: link.href,
            },
          ],
        },
      ],
    },
    webhook: {
      event: kind,
      grant: {
        id: g.id,
        requestId: g.requestId,
        status: g.status,
        target: g.target,
        roleName: g.roleName,
        expiresAt: g.expiresAt,
        revokeReason: g.revokeReason,
        url: c.url,
      },
      ...(kind === "grant.active" ? { usage: c.usage } : {}),
      ...(kind === "grant.expiring" ? { extendUrl: c.extendUrl } : {}),
    },
  };
}

export function renderAlert(alert: {
  kind: string;
  message: string;
  grantId?: string | null;
  url: string;
}): Rendered {
  const title = `Elevate alert: ${alert.kind}`;
  const pairs: [string, string][] = [
    ["Kind", alert.kind],
    ["Message", alert.message],
    ...(alert.grantId ? ([["Grant", alert.grantId]] as [string, string][]) : []),
  ];
  const link = { href: alert.url, label: "Open health" };
  return {
    subject: title,
    text: `${title}\n\n${lines(pairs)}\n\n${link.label}: ${link.href}\n`,
    html: html(title, pairs, link),
    slack: {
      text: title,
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: `*${escapeSlack(title)}*\n${escapeSlack(lines(pairs))}` },
        },
      ],
    },
    webhook: {
      event: "alert",
      alert: { kind: alert.kind, message: alert.message, grantId: alert.grantId ?? null },
    },
  };
}

export const RENDER_KINDS: Record<NotificationKind, "request" | "grant" | "alert"> = {
  "request.created": "request",
  "request.updated": "request",
  "request.decided": "request",
  "grant.active": "grant",
  "grant.expiring": "grant",
  "grant.revoked": "grant",
  alert: "alert",
};
