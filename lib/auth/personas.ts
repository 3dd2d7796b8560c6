/** The demo personas the sign-in page offers; seeded by db/seed/org.ts (the page reads them through lib). */
export { PERSONAS, type PersonaKey } from "@/db/seed/org";
