import type { MetadataRoute } from "next";

/** An access portal has nothing for search engines: ask every crawler to stay out. Prerendered at build. */
export default function robots(): MetadataRoute.Robots {
  return { rules: { userAgent: "*", disallow: "/" } };
}
