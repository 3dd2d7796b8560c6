import Link from "next/link";

/** Rendered with status 403 when a page calls forbidden() (requireSessionCtx without the permission). */
export default function Forbidden() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-muted-foreground">Ask an Elevate administrator if you think you should.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-primary underline">
        Back to Elevate
      </Link>
    </div>
  );
}
