export { authenticateToken } from "./authenticate";
export { type CreatedTokenDto, createApiToken } from "./create";
export type { ApiTokenDto } from "./dto";
export { listApiTokens, revokeApiToken } from "./manage";
export { CreateTokenInput, ListTokensInput, RevokeTokenInput } from "./schemas";
export { hashToken, TOKEN_PATTERN } from "./secret";
