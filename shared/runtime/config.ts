import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { isDateTimeText, parseInstant } from '../core/time/date-value.ts';

/** The embedded runtime's settings (local.md, "Environment"), read once from the environment. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  WORKFLOWS_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKFLOWS_DATA_DIR: z.string().min(1).default('.data'),
  WORKFLOWS_CLOCK: z.enum(['system', 'manual']).default('system'),
  WORKFLOWS_CLOCK_START: z
    .string()
    .refine(isDateTimeText, 'must be a datetime with an offset, such as 2027-01-04T08:00:00Z')
    .optional(),
});

export interface RuntimeConfig {
  readonly port: number;
  readonly token: string;
  /** True when the token was generated (and is printed at start). */
  readonly tokenGenerated: boolean;
  readonly dataDir: string;
  readonly clock: { readonly kind: 'system' } | { readonly kind: 'manual'; readonly start?: Date };
}

/**
 * A setting the runtime cannot start with: a wrong variable, or a data directory another instance is using.
 * `npm start` prints its message alone and exits with 2.
 */
export class RuntimeConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeConfigError';
  }
}

/**
 * Reads the runtime's settings; throws a RuntimeConfigError naming each wrong variable.
 * @example readRuntimeConfig({ PORT: '3001', WORKFLOWS_CLOCK: 'manual' })
 */
export const readRuntimeConfig = (env: Record<string, string | undefined>): RuntimeConfig => {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new RuntimeConfigError(`the environment is not valid:\n  ${problems.join('\n  ')}`);
  }
  const { PORT, WORKFLOWS_API_TOKEN, WORKFLOWS_DATA_DIR, WORKFLOWS_CLOCK, WORKFLOWS_CLOCK_START } =
    parsed.data;
  return {
    port: PORT,
    token: WORKFLOWS_API_TOKEN ?? randomBytes(24).toString('base64url'),
    tokenGenerated: WORKFLOWS_API_TOKEN === undefined,
    dataDir: WORKFLOWS_DATA_DIR,
    clock:
      WORKFLOWS_CLOCK === 'manual'
        ? {
            kind: 'manual',
            ...(WORKFLOWS_CLOCK_START ? { start: new Date(parseInstant(WORKFLOWS_CLOCK_START)) } : {}),
          }
        : { kind: 'system' },
  };
};
