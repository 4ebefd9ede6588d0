import * as z from 'zod';

/** Lists take `?limit=` (1–100, default 50) and `?cursor=` (api.md, "Lists"). */
export const PageRequestSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});
export type PageRequest = z.output<typeof PageRequestSchema>;

/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  readonly results: readonly T[];
  readonly nextCursor: string | null;
}
