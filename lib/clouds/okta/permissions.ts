/**
 * Okta's custom admin role permissions: the documented list, by hand from
 * https://developer.okta.com/docs/api/openapi/okta-management/guides/permissions/ (user, group, app,
 * authorization server, customization, identity provider, policy, workflow, device and realm permissions).
 * Columns: permission, description, access ("read" | "write" | "permissions"), escalation tag if any.
 * An escalation is anything that lets the holder act as someone else or widen their own access.
 */
export type OktaPermissionRow = [
  name: string,
  description: string,
  access: "read" | "write" | "permissions",
  escalation?: "privesc:credentials" | "privesc:iam-write" | "privesc:run-as",
];

export const OKTA_PERMISSIONS_SOURCE =
  "https://developer.okta.com/docs/api/openapi/okta-management/guides/permissions/";

export const OKTA_PERMISSIONS: OktaPermissionRow[] = [
  [
    "okta.users.manage",
    "Manage users: create, edit, and read every profile and credential",
    "write",
    "privesc:credentials",
  ],
  ["okta.users.create", "Create users", "write"],
  ["okta.users.read", "View users and their details", "read"],
  ["okta.users.credentials.manage", "Edit users' authenticator operations", "write", "privesc:credentials"],
  ["okta.users.credentials.resetFactors", "Reset users' authenticators", "write", "privesc:credentials"],
  ["okta.users.credentials.resetPassword", "Reset users' passwords", "write", "privesc:credentials"],
  ["okta.users.credentials.expirePassword", "Expire users' passwords", "write"],
  [
    "okta.users.credentials.manageTemporaryAccessCode",
    "Manage users' temporary access codes",
    "write",
    "privesc:credentials",
  ],
  ["okta.users.userprofile.manage", "Edit users' profile attributes", "write"],
  ["okta.users.userprofile.read", "View users' profile attributes", "read"],
  ["okta.users.lifecycle.manage", "Edit users' lifecycle states", "write"],
  ["okta.users.lifecycle.activate", "Activate users", "write"],
  ["okta.users.lifecycle.deactivate", "Deactivate users", "write"],
  ["okta.users.lifecycle.suspend", "Suspend users", "write"],
  ["okta.users.lifecycle.unsuspend", "Unsuspend users", "write"],
  ["okta.users.lifecycle.delete", "Delete users", "write"],
  ["okta.users.lifecycle.unlock", "Unlock users", "write"],
  ["okta.users.lifecycle.clearSessions", "Clear users' sessions", "write"],
  ["okta.users.groupMembership.manage", "Manage users' group membership", "permissions", "privesc:iam-write"],
  [
    "okta.users.appAssignment.manage",
    "Edit users' application assignments",
    "permissions",
    "privesc:iam-write",
  ],
  ["okta.users.apitokens.manage", "Manage API tokens of users", "write", "privesc:credentials"],
  ["okta.users.apitokens.read", "View API tokens of users", "read"],
  ["okta.users.risk.manage", "Manage users' risk level", "write"],
  ["okta.users.risk.read", "View users' risk level", "read"],
  [
    "okta.groups.manage",
    "Manage groups: create, edit, delete and manage membership",
    "permissions",
    "privesc:iam-write",
  ],
  ["okta.groups.create", "Create groups", "write"],
  ["okta.groups.read", "View groups and their members", "read"],
  ["okta.groups.members.manage", "Manage group membership", "permissions", "privesc:iam-write"],
  [
    "okta.groups.appAssignment.manage",
    "Manage groups' application assignments",
    "permissions",
    "privesc:iam-write",
  ],
  [
    "okta.apps.manage",
    "Manage applications: edit settings, credentials and assignments",
    "permissions",
    "privesc:iam-write",
  ],
  ["okta.apps.read", "View applications", "read"],
  [
    "okta.apps.assignment.manage",
    "Manage applications' user and group assignments",
    "permissions",
    "privesc:iam-write",
  ],
  ["okta.apps.manageFirstPartyApps", "Manage the first-party apps (dashboard, admin console)", "write"],
  ["okta.authzServers.manage", "Manage authorization servers", "permissions", "privesc:credentials"],
  ["okta.authzServers.read", "View authorization servers", "read"],
  ["okta.customizations.manage", "Manage customizations (brands, themes, emails)", "write"],
  ["okta.customizations.read", "View customizations", "read"],
  ["okta.identityProviders.manage", "Manage identity providers", "permissions", "privesc:run-as"],
  ["okta.identityProviders.read", "View identity providers", "read"],
  [
    "okta.policies.manage",
    "Manage policies (sign-on, password, authenticator enrollment)",
    "permissions",
    "privesc:iam-write",
  ],
  ["okta.policies.read", "View policies", "read"],
  ["okta.workflows.invoke", "Invoke delegated flows", "write", "privesc:run-as"],
  ["okta.workflows.read", "View delegated flows", "read"],
  ["okta.devices.manage", "Manage devices", "write"],
  ["okta.devices.lifecycle.manage", "Manage devices' lifecycle", "write"],
  ["okta.devices.read", "View devices", "read"],
  ["okta.realms.manage", "Manage realms", "write"],
  ["okta.realms.read", "View realms", "read"],
  ["okta.support.cases.manage", "Manage Okta support cases", "write"],
];
