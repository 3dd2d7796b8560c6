/**
 * Where a CloudTrail event does not name its IAM action as `<endpoint host prefix>:<eventName>`. Every row
 * cites the AWS page that documents it; lib/usage/__tests__/aws-exceptions.test.ts checks each target
 * action is in the bundled catalog and has a fixture of its own.
 */

/**
 * Endpoint host prefix (eventSource before `.amazonaws.com`) → IAM service prefix.
 * - monitoring → cloudwatch: "Actions defined by Amazon CloudWatch" (service prefix `cloudwatch`), while
 *   CloudTrail logs `monitoring.amazonaws.com` (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/logging_cw_api_calls.html).
 * - email → ses: "Actions defined by Amazon SES" (prefix `ses`); SES v1 events come from `email.amazonaws.com`
 *   (docs.aws.amazon.com/ses/latest/dg/logging-using-cloudtrail.html).
 * - tagging → tag: "Actions defined by Amazon Resource Group Tagging API" (prefix `tag`); events from
 *   `tagging.amazonaws.com` (docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/logging-using-cloudtrail.html).
 * - cloudcontrolapi → cloudformation: Cloud Control API calls are authorised as `cloudformation:CreateResource`
 *   etc. (docs.aws.amazon.com/cloudcontrolapi/latest/userguide/security.html).
 */
export const SERVICE_PREFIX: Record<string, string> = {
  monitoring: "cloudwatch",
  email: "ses",
  tagging: "tag",
  cloudcontrolapi: "cloudformation",
};

/**
 * S3 API names that differ from the IAM action they need, from "Required permissions for Amazon S3 API
 * operations" (docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html) and
 * "Logging data events" (S3 data events: docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html).
 */
export const S3_ACTIONS: Record<string, string> = {
  ListObjects: "ListBucket",
  ListObjectsV2: "ListBucket",
  ListObjectVersions: "ListBucketVersions",
  HeadObject: "GetObject",
  HeadBucket: "ListBucket",
  ListBuckets: "ListAllMyBuckets",
  CopyObject: "PutObject",
  UploadPart: "PutObject",
  UploadPartCopy: "PutObject",
  CreateMultipartUpload: "PutObject",
  CompleteMultipartUpload: "PutObject",
  SelectObjectContent: "GetObject",
  DeleteObjects: "DeleteObject",
  ListParts: "ListMultipartUploadParts",
  ListMultipartUploads: "ListBucketMultipartUploads",
  GetBucketEncryption: "GetEncryptionConfiguration",
  PutBucketEncryption: "PutEncryptionConfiguration",
  DeleteBucketEncryption: "PutEncryptionConfiguration",
  GetBucketLifecycle: "GetLifecycleConfiguration",
  GetBucketLifecycleConfiguration: "GetLifecycleConfiguration",
  PutBucketLifecycle: "PutLifecycleConfiguration",
  PutBucketLifecycleConfiguration: "PutLifecycleConfiguration",
  DeleteBucketLifecycle: "PutLifecycleConfiguration",
  GetBucketReplication: "GetReplicationConfiguration",
  PutBucketReplication: "PutReplicationConfiguration",
  DeleteBucketReplication: "PutReplicationConfiguration",
  DeleteBucketCors: "PutBucketCORS",
  DeleteBucketTagging: "PutBucketTagging",
  GetBucketIntelligentTieringConfiguration: "GetIntelligentTieringConfiguration",
  PutBucketIntelligentTieringConfiguration: "PutIntelligentTieringConfiguration",
  DeleteBucketOwnershipControls: "PutBucketOwnershipControls",
  DeletePublicAccessBlock: "PutBucketPublicAccessBlock",
  GetPublicAccessBlock: "GetBucketPublicAccessBlock",
  PutPublicAccessBlock: "PutBucketPublicAccessBlock",
};

/**
 * Event names that differ from their action in services other than S3. Lambda logs its `Invoke` data event
 * under the API name; the action is `lambda:InvokeFunction`
 * (docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html#cloudtrail-data-events).
 */
export const EVENT_ACTIONS: Record<string, string> = {
  "lambda:Invoke": "lambda:InvokeFunction",
};

/**
 * Events that exercise no IAM action: counted unmappable under these reasons, never guessed.
 * - signin.amazonaws.com (ConsoleLogin, CheckMfa, SwitchRole…): console sign-in is authenticated, not
 *   authorised by an IAM action (docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_signin-tempcreds).
 * - sts:GetCallerIdentity: "No permissions are required to perform this operation"
 *   (docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
 */
export const NOT_AN_ACTION: Record<string, string> = {
  "signin.amazonaws.com": "console sign-in (not an IAM action)",
  "sts.amazonaws.com:GetCallerIdentity": "needs no permission (sts:GetCallerIdentity)",
};

/**
 * API Gateway management calls are authorised by HTTP verb on the resource path (`apigateway:GET`, `POST`,
 * `PATCH`, `PUT`, `DELETE`: "Actions defined by Amazon API Gateway Management",
 * docs.aws.amazon.com/service-authorization/latest/reference/list_amazonapigatewaymanagement.html);
 * the verb is read from the event name's first word. Invocations (`execute-api:Invoke`) are not CloudTrail
 * events at all (docs.aws.amazon.com/apigateway/latest/developerguide/cloudtrail.html).
 */
export const APIGATEWAY_VERBS: [prefix: string, verb: string][] = [
  ["Get", "GET"],
  ["Create", "POST"],
  ["Import", "PUT"],
  ["Put", "PUT"],
  ["Update", "PATCH"],
  ["Delete", "DELETE"],
];

/**
 * Versioned event names: Lambda logs `UpdateFunctionConfiguration20150331v2`
 * (docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html), CloudFront
 * `CreateDistribution2020_05_31` (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/logging_using_cloudtrail.html).
 * The API version suffix is dropped to get the action.
 */
export function withoutApiVersion(service: string, eventName: string): string {
  if (service === "lambda") return eventName.replace(/\d{8}(v\d+)?$/, "");
  if (service === "cloudfront") return eventName.replace(/\d{4}_\d{2}_\d{2}$/, "");
  return eventName;
}

/**
 * Error codes that mean the call was denied by authorisation (any other error happened after the
 * authorisation check, so the permission was used). From the services' common error lists, e.g.
 * docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (UnauthorizedOperation),
 * docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (AccessDenied),
 * docs.aws.amazon.com/sns/latest/api/CommonErrors.html (AuthorizationError).
 */
export const DENIED_ERRORS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Client.AccessDenied",
  "UnauthorizedOperation",
  "Client.UnauthorizedOperation",
  "UnauthorizedAccess",
  "UnauthorizedException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "NotAuthorized",
  "NotAuthorizedException",
  "Forbidden",
]);
