/** `npm run schemas`: writes the JSON Schema of every event to events/schemas/ (a test checks they are current). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas } from '../shared/core/events/event-json-schemas.ts';

const directory = join(dirname(fileURLToPath(import.meta.url)), '..', 'events', 'schemas');
mkdirSync(directory, { recursive: true });
const schemas = eventJsonSchemas();
const wanted = new Set(schemas.map(({ file }) => file));
for (const stale of readdirSync(directory).filter((file) => !wanted.has(file)))
  rmSync(join(directory, stale));
for (const { file, text } of schemas) writeFileSync(join(directory, file), text);
console.log(`wrote ${schemas.length} event schemas to ${directory}`);
