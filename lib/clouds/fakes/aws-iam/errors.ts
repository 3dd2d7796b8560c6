/** An IAM error reply: thrown by action handlers, rendered as `<ErrorResponse>` by the server. */
export class IamFault extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const noSuchEntity = (message: string) => new IamFault("NoSuchEntity", 404, message);
export const alreadyExists = (message: string) => new IamFault("EntityAlreadyExists", 409, message);
export const limitExceeded = (message: string) => new IamFault("LimitExceeded", 409, message);
export const deleteConflict = (message: string) => new IamFault("DeleteConflict", 409, message);
export const malformed = (message: string) => new IamFault("MalformedPolicyDocument", 400, message);
export const invalidInput = (message: string) => new IamFault("InvalidInput", 400, message);

/** The wording IAM uses for constraint violations on a request member. */
export const validationError = (member: string, value: string | null, constraint: string) =>
  new IamFault(
    "ValidationError",
    400,
    `1 validation error detected: Value ${value === null ? "null" : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
