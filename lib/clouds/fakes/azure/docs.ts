/** The Microsoft pages the fake's rules come from; tests cite them next to each rule. */
export const AZURE_DOCS = {
  customRoles: "https://learn.microsoft.com/en-us/azure/role-based-access-control/custom-roles",
  customRolesRest: "https://learn.microsoft.com/en-us/azure/role-based-access-control/custom-roles-rest",
  roleDefinitions: "https://learn.microsoft.com/en-us/azure/role-based-access-control/role-definitions",
  troubleshooting: "https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting",
  scopeOverview: "https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview",
  listRest: "https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments-list-rest",
  denyListRest: "https://learn.microsoft.com/en-us/azure/role-based-access-control/deny-assignments-rest",
  assignmentsCreate: "https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/create",
  assignmentsList: "https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/list-for-scope",
  scheduleRequestsList:
    "https://learn.microsoft.com/en-us/rest/api/authorization/role-assignment-schedule-requests/list-for-scope",
  definitionsCreate:
    "https://learn.microsoft.com/en-us/rest/api/authorization/role-definitions/create-or-update",
} as const;
