import { z } from "zod";
import { CLOUDS, RISKS } from "@/db/schema/enums";
import { IMPORT_FORMATS, type ImportFormat } from "./importers";
import { ACCESS_LEVELS, RISK_TAGS } from "./types";

const Cloud = z.enum(CLOUDS);
const FORMATS = Object.keys(IMPORT_FORMATS) as [ImportFormat, ...ImportFormat[]];

/** Exports run to tens of megabytes (GCP roles ~8 MB); cap well above that, below memory trouble. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export const ImportCatalogInput = z.object({
  cloud: Cloud,
  format: z.enum(FORMATS),
  content: z.string().min(2, "the export is empty").max(MAX_IMPORT_BYTES, "the export is larger than 64 MB"),
});
export type ImportCatalogInput = z.input<typeof ImportCatalogInput>;

export const SearchCatalogInput = z.object({
  query: z.string().trim().min(1, "type something to search for").max(200),
  cloud: Cloud.optional(),
  service: z.string().trim().min(1).max(100).optional(),
  accessLevel: z.enum(ACCESS_LEVELS as [string, ...string[]]).optional(),
  risk: z.enum([...RISKS, ...RISK_TAGS] as [string, ...string[]]).optional(),
  kind: z.enum(["permission", "template"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type SearchCatalogInput = z.input<typeof SearchCatalogInput>;

export const ExpandInput = z.object({
  cloud: Cloud,
  permissions: z
    .array(z.string().trim().min(1).max(300))
    .min(1, "at least one permission is required")
    .max(3000),
});
export type ExpandInput = z.input<typeof ExpandInput>;
