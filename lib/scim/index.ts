export { reconcileDirectory } from "./deprovision";
export { listOf, resourceTypes, schemas, serviceProviderConfig } from "./discovery";
export { scimNotFound } from "./errors";
export {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  patchScimGroup,
  replaceScimGroup,
} from "./groups";
export { scimJson, scimMethodNotAllowed, withScim } from "./http";
export { listScim, parseListQuery } from "./list";
export { type MintedScimToken, mintScimToken } from "./token";
export { createScimUser, deleteScimUser, getScimUser, patchScimUser, replaceScimUser } from "./users";
