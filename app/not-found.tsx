import Link from "next/link";

export default function NotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-muted-foreground">There is nothing here, or it belongs to someone else.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-primary underline">
        Back to Elevate
      </Link>
    </div>
  );
}
