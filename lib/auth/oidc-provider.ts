import type { OAuthConfig } from "next-auth/providers/oauth";
import type { Env } from "@/lib/env";
import { type OidcClaims, profileFromClaims } from "./oidc-profile";

export const OIDC_PROVIDER_ID = "oidc";

/** next-auth types the token set by its fields; at run time it is openid-client's TokenSet instance. */
function asTokenSet<T>(tokens: unknown): T & { claims(): OidcClaims } {
  return tokens as T & { claims(): OidcClaims };
}

/**
 * Generic OIDC provider (Okta, Entra ID, Google, Keycloak, …) from discovery; null when no issuer is
 * configured. Claims come from the validated ID token merged with userinfo, because many IdPs release
 * email, name and groups only at userinfo when an access token is issued.
 */
export function oidcProvider(e: Env): OAuthConfig<OidcClaims> | null {
  if (!e.OIDC_ISSUER) return null;
  const issuer = e.OIDC_ISSUER.replace(/\/+$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: e.OIDC_NAME,
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    idToken: true,
    checks: ["pkce", "state"],
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: e.OIDC_SCOPE } },
    userinfo: {
      async request({ tokens, client }) {
        const tokenSet = asTokenSet<Parameters<typeof client.userinfo>[0]>(tokens);
        const idClaims: OidcClaims = tokens.id_token ? tokenSet.claims() : {};
        // Given the whole token set, openid-client checks that userinfo's sub equals the ID token's.
        const info: OidcClaims =
          client.issuer.metadata.userinfo_endpoint && tokens.access_token
            ? await client.userinfo(tokenSet)
            : {};
        return { ...info, ...idClaims };
      },
    },
    profile(claims) {
      return profileFromClaims(claims, { issuer, groupsClaim: e.OIDC_GROUPS_CLAIM });
    },
  };
}
