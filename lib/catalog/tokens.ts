/** Words that carry no meaning in permission names or AWS's "Grants permission to …" descriptions. */
const STOP = new Set([
  "a",
  "an",
  "the",
  "to",
  "of",
  "on",
  "in",
  "for",
  "my",
  "and",
  "or",
  "with",
  "grants",
  "permission",
  "permissions",
  "microsoft",
]);

const stem = (t: string) => (t.length > 3 && t.endsWith("s") && !t.endsWith("ss") ? t.slice(0, -1) : t);

/** Lower-case word tokens: splits on punctuation and camelCase, keeps each segment joined too. */
export function tokenize(text: string): string[] {
  const out = new Set<string>();
  for (const segment of text.split(/[^A-Za-z0-9]+/)) {
    if (!segment) continue;
    const joined = stem(segment.toLowerCase());
    if (!STOP.has(joined)) out.add(joined);
    const parts = segment.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
    if (parts.length > 1) {
      for (const p of parts) {
        const t = stem(p.toLowerCase());
        if (t && !STOP.has(t)) out.add(t);
      }
    }
  }
  return [...out];
}

/** Query-side synonyms: plain task words to the words clouds use, with a weight below an exact hit. */
export const SYNONYMS: Record<string, [string, number][]> = {
  ssh: [
    ["oslogin", 1],
    ["startsession", 1],
    ["login", 0.8],
    ["session", 0.5],
    ["bastionhost", 0.5],
  ],
  login: [
    ["oslogin", 0.9],
    ["startsession", 0.7],
  ],
  vm: [
    ["instance", 0.8],
    ["virtualmachine", 1],
    ["ec2", 0.5],
    ["compute", 0.4],
  ],
  machine: [
    ["instance", 0.7],
    ["virtualmachine", 0.9],
  ],
  server: [
    ["instance", 0.6],
    ["virtualmachine", 0.6],
  ],
  restart: [
    ["reboot", 1],
    ["reset", 0.9],
  ],
  reboot: [
    ["restart", 1],
    ["reset", 0.9],
  ],
  stop: [["poweroff", 0.9]],
  read: [
    ["get", 0.8],
    ["list", 0.6],
    ["describe", 0.6],
    ["view", 0.6],
    ["download", 0.6],
  ],
  view: [
    ["get", 0.7],
    ["read", 0.7],
    ["describe", 0.6],
    ["list", 0.5],
  ],
  bucket: [
    ["s3", 0.5],
    ["object", 1],
    ["blob", 0.7],
    ["container", 0.6],
    ["storage", 0.4],
  ],
  database: [
    ["db", 0.9],
    ["sql", 0.8],
    ["rds", 0.6],
    ["cloudsql", 0.7],
  ],
  db: [
    ["database", 0.9],
    ["sql", 0.7],
    ["rds", 0.6],
    ["cloudsql", 0.7],
  ],
  kubernetes: [
    ["k8s", 1],
    ["eks", 0.7],
    ["gke", 0.7],
    ["managedcluster", 0.8],
    ["container", 0.4],
  ],
  k8s: [
    ["kubernetes", 1],
    ["eks", 0.7],
    ["managedcluster", 0.8],
    ["container", 0.4],
  ],
  secret: [
    ["secretsmanager", 0.7],
    ["secretmanager", 0.7],
    ["keyvault", 0.5],
    ["getsecret", 1],
  ],
  log: [
    ["logging", 0.9],
    ["logentrie", 0.8],
    ["logevent", 0.8],
  ],
  function: [
    ["lambda", 0.8],
    ["cloudfunction", 0.8],
  ],
  deploy: [
    ["updatefunctioncode", 0.9],
    ["sourcecodeset", 0.8],
    ["update", 0.5],
    ["publish", 0.5],
  ],
  write: [
    ["put", 0.8],
    ["create", 0.7],
    ["update", 0.7],
    ["upload", 0.7],
  ],
  delete: [["remove", 0.8]],
};
