/** sessionStorage key: set by the request form on submit, read once by the detail page for a toast. */
export const SUBMITTED_FLAG = "elevate:submitted";
