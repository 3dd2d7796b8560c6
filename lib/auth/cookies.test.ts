import { describe, expect, it } from "vitest";
import { secureCookies, sessionCookieName } from "./cookies";

describe("secureCookies", () => {
  it("marks cookies Secure in production whatever NEXTAUTH_URL says, except on loopback http", () => {
    expect(secureCookies({ NODE_ENV: "production", NEXTAUTH_URL: "https://elevate.example" })).toBe(true);
    expect(secureCookies({ NODE_ENV: "production", NEXTAUTH_URL: undefined })).toBe(true);
    expect(secureCookies({ NODE_ENV: "production", NEXTAUTH_URL: "http://elevate.example" })).toBe(true);
    // Browsers refuse `__Secure-` cookies from http://localhost, and loopback traffic never leaves the host.
    expect(secureCookies({ NODE_ENV: "production", NEXTAUTH_URL: "http://127.0.0.1:3100" })).toBe(false);
    expect(secureCookies({ NODE_ENV: "production", NEXTAUTH_URL: "http://localhost:3000" })).toBe(false);
  });

  it("follows the URL outside production", () => {
    expect(secureCookies({ NODE_ENV: "development", NEXTAUTH_URL: "https://elevate.example" })).toBe(true);
    expect(secureCookies({ NODE_ENV: "development", NEXTAUTH_URL: "http://localhost:3000" })).toBe(false);
    expect(secureCookies({ NODE_ENV: "test", NEXTAUTH_URL: undefined })).toBe(false);
  });

  it("names the session cookie to match", () => {
    expect(sessionCookieName({ NODE_ENV: "production", NEXTAUTH_URL: undefined })).toBe(
      "__Secure-next-auth.session-token",
    );
    expect(sessionCookieName({ NODE_ENV: "development", NEXTAUTH_URL: undefined })).toBe(
      "next-auth.session-token",
    );
  });
});
