import { buildAccessReport, type AccessReport as Report, renderAccessReport } from "@/lib/compliance";
import { AccessReportQuery } from "@/lib/compliance/schemas";
import { AccessReport } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

/** withApi passes a returned Response through as is; its result type only names the JSON body. */
const fileResponse = (res: Response) => res as unknown as Report;

export const GET = withApi(
  { permission: "audit.read", query: AccessReportQuery, response: AccessReport },
  async ({ ctx, query }) => {
    const report = await buildAccessReport({ ctx, input: { from: query.from, to: query.to, by: query.by } });
    if (query.format === "json") return report;
    const file = await renderAccessReport(report, query.format);
    return fileResponse(
      new Response(typeof file.body === "string" ? file.body : Buffer.from(file.body), {
        headers: {
          "content-type": file.contentType,
          "content-disposition": `attachment; filename="${file.filename}"`,
          "cache-control": "no-store",
        },
      }),
    );
  },
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
