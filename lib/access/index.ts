// The access-request domain's public face: verbs, input schemas, DTOs and the helpers other domains reuse.
export { cancelRequest } from "./cancel";
export { decodeCursor, encodeCursor, type Keyset } from "./cursor";
export { decideRequest } from "./decide";
export {
  type ApprovalDto,
  type GrantDto,
  loadGrantDto,
  loadGrantDtos,
  loadRequestDto,
  loadRequestDtos,
  type RequestDto,
  toGrantDto,
  type UserRef,
} from "./dto";
export { ExtendGrantInput, extendGrant } from "./extend";
export { getGrant } from "./get-grant";
export { getRequest } from "./get-request";
export { listGrants } from "./list-grants";
export { type InboxItem, listInbox } from "./list-inbox";
export { listRequests } from "./list-requests";
export {
  type GrantRow,
  getActivePolicy,
  getGrantInOrgOrThrow,
  getRequestInOrgOrThrow,
  getTargetInOrgOrThrow,
  getTemplateInOrgOrThrow,
  isGroupMember,
  type PolicyRow,
  type RequestRow,
  type TargetRow,
  type TemplateRow,
} from "./queries";
export { revokeGrant } from "./revoke";
export {
  CancelInput,
  DecideInput,
  GetGrantInput,
  GetRequestInput,
  ListGrantsInput,
  ListInboxInput,
  ListRequestsInput,
  RevokeGrantInput,
  SubmitInput,
} from "./schemas";
export {
  GRANT_STATUSES,
  GRANT_TERMINAL,
  type GrantEvent,
  grantTransition,
  LIVE_GRANT_STATUSES,
  REQUEST_STATUSES,
  REQUEST_TERMINAL,
  type RequestEvent,
  requestTransition,
  type Transition,
} from "./state";
export { submitRequest } from "./submit";
