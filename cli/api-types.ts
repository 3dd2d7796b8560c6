import { writeFileSync } from "node:fs";
import { API_TYPES_FILE, generateApiTypes } from "@/lib/http/api-types";

// `npm run api:types`: regenerate the client types after changing the API's schemas.
writeFileSync(API_TYPES_FILE, await generateApiTypes());
console.log(`wrote ${API_TYPES_FILE}`);
