// What Inngest functions need from the process lives in lib/ (it opens the database handle).
export { defaultDeps, type FunctionDeps, jobCtx } from "@/lib/workflows/function-deps";
