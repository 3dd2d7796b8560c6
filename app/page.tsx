import { HomeView } from "@/components/requests/home-view";
import { requireSessionCtx } from "@/lib/auth/session";
import { getHome } from "@/lib/requests/home";

export default async function HomePage() {
  const ctx = await requireSessionCtx();
  return <HomeView initial={await getHome({ ctx })} />;
}
