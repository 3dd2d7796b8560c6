import { getHome } from "@/lib/requests/home";
import { uiRoute } from "../_lib/ui-route";

export const GET = uiRoute((ctx) => getHome({ ctx }));
