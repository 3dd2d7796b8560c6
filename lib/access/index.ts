// The access-request domain's public face: the verbs and DTOs the app, the API and the CLI call.
export { cancelRequest } from "./cancel";
export { encodeCursor } from "./cursor";
export { decideRequest } from "./decide";
export { type GrantDto, loadGrantDto, loadGrantDtos, type RequestDto } from "./dto";
export { extendGrant } from "./extend";
export { getGrant } from "./get-grant";
export { getRequest } from "./get-request";
export { GRANT_STATUSES } from "./grant-state";
export { listGrants } from "./list-grants";
export { listRequests } from "./list-requests";
export { getActivePolicy } from "./queries";
export { REQUEST_STATUSES } from "./request-state";
export { revokeGrant } from "./revoke";
export { submitRequest } from "./submit";
