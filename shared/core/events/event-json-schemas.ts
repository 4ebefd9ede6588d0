import * as z from 'zod';
import { EVENT_CATALOG } from './event-schemas.ts';

/**
 * The JSON Schema (draft 2020-12) of every event's whole envelope, generated from the zod schemas that
 * validate them: `npm run schemas` writes them to `events/schemas/<name>.json`.
 */
export const eventJsonSchemas = (): { readonly file: string; readonly text: string }[] =>
  EVENT_CATALOG.map(({ name, source, detailType, detail }) => {
    const envelope = z
      .object({
        version: z.literal('0'),
        id: z.string(),
        'detail-type': z.literal(detailType),
        source,
        account: z.string(),
        time: z.string().meta({ format: 'date-time' }),
        region: z.string(),
        resources: z.array(z.string()),
        detail,
      })
      .meta({ title: detailType, description: detail.description });
    const schema = z.toJSONSchema(envelope, { target: 'draft-2020-12', io: 'input' });
    return { file: `${name}.json`, text: `${JSON.stringify(schema, null, 2)}\n` };
  });
