import { SkeletonList } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Right-sizing</h1>
      <SkeletonList rows={6} label="Loading recommendations" />
    </div>
  );
}
