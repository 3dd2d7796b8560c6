import { getHome } from "@/lib/access/home";
import { uiRoute } from "../_lib/ui-route";

export const GET = uiRoute((ctx) => getHome({ ctx }));
