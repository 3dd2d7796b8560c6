import { HomeView } from "@/components/requests/home-view";
import { getHome } from "@/lib/access/home";
import { requireSessionCtx } from "@/lib/auth/session";

export default async function HomePage() {
  const ctx = await requireSessionCtx();
  return <HomeView initial={await getHome({ ctx })} />;
}
