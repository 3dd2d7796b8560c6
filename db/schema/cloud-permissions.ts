import { CLOUDS, type Cloud } from "./enums";

/**
 * Permissions per cloud. The first three are always stored; kinds added later (kubernetes, …) are optional
 * so rows saved before them stay valid: read them through permissionsOn.
 */
export type CloudPermissions = { aws: string[]; gcp: string[]; azure: string[] } & Partial<
  Record<Cloud, string[]>
>;

/** A template's permissions on one cloud; none when the template predates that cloud. */
export const permissionsOn = (p: CloudPermissions, cloud: Cloud): string[] => p[cloud] ?? [];

/** The clouds every stored template names; the rest were added later and may be absent from a row. */
export const FIRST_CLOUDS = ["aws", "gcp", "azure"] as const;
export type LaterCloud = Exclude<Cloud, (typeof FIRST_CLOUDS)[number]>;
export const LATER_CLOUDS = CLOUDS.filter(
  (c): c is LaterCloud => !(FIRST_CLOUDS as readonly string[]).includes(c),
);
