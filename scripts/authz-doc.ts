// Writes docs/authorization.md from the permissions registry (npm run authz:doc).
import { writeFileSync } from 'node:fs';
import { authorizationDoc } from '../src/app/authorization-doc.ts';

writeFileSync(new URL('../docs/authorization.md', import.meta.url), authorizationDoc());
console.log('docs/authorization.md écrit');
