import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_columns";

export const organizations = pgTable("organizations", {
  id: id(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});
