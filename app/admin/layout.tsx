import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";

// Navigation only: every admin page checks the session and its own permission.
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div>
      <AdminNav />
      {children}
    </div>
  );
}
