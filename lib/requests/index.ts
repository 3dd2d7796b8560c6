// The access-request domain's public face: the request verbs and DTOs the app, the API and the CLI call.

export { reviewBreakGlass } from "./break-glass";
export { cancelRequest } from "./cancel";
export { encodeCursor } from "./cursor";
export { decideRequest } from "./decide";
export { type GrantDto, loadGrantDto, loadGrantDtos, type RequestDto } from "./dto";
export { getRequest } from "./get-request";
export { listRequests } from "./list-requests";
export { getActivePolicy } from "./queries";
export { REQUEST_STATUSES } from "./request-state";
export { submitRequest } from "./submit";
