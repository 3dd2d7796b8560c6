import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf } from "./_columns";
import { CLOUDS } from "./enums";
import { organizations } from "./organizations";

/** One import or sync of a cloud's catalog export; `added`/`removed` compare it with the previous one of that format. */
export const catalogVersions = pgTable(
  "catalog_versions",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    cloud: text("cloud", { enum: CLOUDS }).notNull(),
    format: text("format").notNull(),
    version: integer("version").notNull(),
    permissionCount: integer("permission_count").notNull(),
    roleCount: integer("role_count").notNull(),
    added: integer("added").notNull(),
    removed: integer("removed").notNull(),
    /** The first few added/removed names, to show what changed without a second query. */
    changes: jsonb("changes").$type<{ added: string[]; removed: string[] }>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("catalog_versions_org_format_version_uq").on(t.orgId, t.cloud, t.format, t.version),
    oneOf("catalog_versions_cloud_check", t.cloud, CLOUDS),
  ],
);

/** Permissions an org imported for GCP or Azure (AWS comes from iam-data; built-ins live in code). */
export const catalogPermissions = pgTable(
  "catalog_permissions",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    cloud: text("cloud", { enum: CLOUDS }).notNull(),
    format: text("format").notNull(),
    name: text("name").notNull(),
    service: text("service").notNull(),
    description: text("description").notNull().default(""),
    accessLevel: text("access_level").notNull(),
    customRoleSupport: text("custom_role_support"),
    dataAction: boolean("data_action").notNull().default(false),
    versionId: uuid("version_id")
      .notNull()
      .references(() => catalogVersions.id),
  },
  (t) => [
    uniqueIndex("catalog_permissions_uq").on(t.orgId, t.cloud, t.format, t.name),
    index("catalog_permissions_org_cloud_idx").on(t.orgId, t.cloud),
    oneOf("catalog_permissions_cloud_check", t.cloud, CLOUDS),
  ],
);

/** Cloud roles from the same imports (GCP predefined roles, Azure role definitions). */
export const catalogRoles = pgTable(
  "catalog_roles",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    cloud: text("cloud", { enum: CLOUDS }).notNull(),
    format: text("format").notNull(),
    name: text("name").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    stage: text("stage"),
    permissions: text("permissions").array().notNull().default([]),
    versionId: uuid("version_id")
      .notNull()
      .references(() => catalogVersions.id),
  },
  (t) => [
    uniqueIndex("catalog_roles_uq").on(t.orgId, t.cloud, t.format, t.name),
    oneOf("catalog_roles_cloud_check", t.cloud, CLOUDS),
  ],
);
