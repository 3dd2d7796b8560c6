export { oktaAdapter } from "./adapter";
export type { OktaAdapterConfig } from "./config";
export { evaluateOkta, type OktaSubject } from "./evaluate";
export { buildOktaRole, OKTA_PERMISSION, OKTA_ROLE_DESCRIPTION, oktaResourcesFor } from "./role";
