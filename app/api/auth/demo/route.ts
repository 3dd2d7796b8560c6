import { demoSignIn } from "@/lib/auth/demo";

/** Demo personas' one-click sign-in (404 unless demo mode is on); see lib/auth/demo.ts. */
export async function POST(request: Request): Promise<Response> {
  return demoSignIn(request);
}
